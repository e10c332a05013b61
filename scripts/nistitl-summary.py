"""Reads an ANSI/NIST-ITL transaction with nistitl (an independent reader,
from PyPI) and prints what it found as JSON, for the writer's cross-check
(Tests/VigilInterchangeTests/NISTCrossCheckTests.swift):
[{"type": T, "fields": {"N": [[item, ...], ...]}, "data": bytes or null}] for
text records, [{"type": T, "idc": I, "length": L}] for binary ones."""
import json
import sys

import nistitl


def text(value):
    # nistitl decodes every byte as Latin-1; its bytes, read as UTF-8, compare with Vigil's reading.
    return str(value).encode('latin-1').decode('utf-8', 'replace')


def items(value):
    if isinstance(value, (list, tuple)):
        return [[text(i) for i in v] if isinstance(v, (list, tuple)) else [text(v)] for v in value]
    return [[text(value)]]


message = nistitl.Message()
message.parse(open(sys.argv[1], 'rb').read())
records = []
for record in message:
    if isinstance(record, nistitl.AsciiRecord):
        fields, data = {}, None
        for field in record._fields:
            if isinstance(field, nistitl.BinaryField):
                data = len(field.value)
            else:
                fields[str(field.tag)] = items(field.value)
        records.append({"type": record.type, "fields": fields, "data": data})
    else:
        records.append({"type": record.type, "idc": int(record.IDC), "length": record.length})
print(json.dumps(records))
