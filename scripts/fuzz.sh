#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang/swiftc -fsanitize=fuzzer,address)
# and runs each for FUZZ_SECONDS (default 600) on the committed corpus in
# Fuzz/corpus/<name>. New interesting inputs are merged back into the corpus
# (minimised); a crash leaves its input in .build-fuzz/artifacts/ and fails.
#   make fuzz                 # every harness, 10 minutes each, two at a time (about 30 minutes)
#   FUZZ_SECONDS=60 make fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-600}"
out=.build-fuzz
mkdir -p "$out/artifacts" "$out/new/image" "$out/new/template" "$out/new/nist" "$out/new/wsq" "$out/new/dg2" Fuzz/corpus/nist Fuzz/corpus/wsq Fuzz/corpus/dg2

shim=CShims/VigilVisionC
wsq="$shim/wsq_codestream.cpp $shim/wsq_subbands.cpp $shim/wsq_reconstruct.cpp"
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address -I"$shim" -I"$shim/include" $(pkg-config --cflags opencv4) \
    Fuzz/image_fuzzer.cpp "$shim/image_probe.cpp" "$shim/image_decode.cpp" "$shim/status.cpp" $wsq \
    -lopencv_core -lopencv_imgproc -lopencv_imgcodecs -o "$out/image-fuzzer"
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address -I"$shim" -I"$shim/include" $(pkg-config --cflags opencv4) \
    Fuzz/wsq_fuzzer.cpp $wsq -lopencv_core -o "$out/wsq-fuzzer"
swiftc -parse-as-library -sanitize=fuzzer,address -g -Onone Sources/VigilTemplates/*.swift Fuzz/TemplateFuzzer.swift \
    -o "$out/template-fuzzer"
swiftc -parse-as-library -sanitize=fuzzer,address -g -Onone Sources/VigilInterchange/*.swift Sources/VigilTemplates/*.swift Fuzz/DG2Fuzzer.swift \
    -o "$out/dg2-fuzzer"
swiftc -parse-as-library -sanitize=fuzzer,address -g -Onone Sources/VigilInterchange/*.swift Sources/VigilTemplates/*.swift Fuzz/NISTFuzzer.swift \
    -o "$out/nist-fuzzer"
# Seeds for the transaction reader: NIST's and NBIS's small public-domain files, when the shared data is beside
# the project (not committed; what the fuzzer derives from them is merged into Fuzz/corpus/nist).
data="${VIGIL_TESTDATA:-../shared/data}/ansi-nist"
if [ -d "$data" ]; then
    find "$data/nist-reference" "$data/nbis-testdata" -name '*.an2' -size -64k -exec cp {} "$out/new/nist/" \;
    # and for the WSQ decoder, the WSQ images inside those public-domain files (SOI to EOI, under 64 KB)
    python3 - "$out/new/wsq" "$data"/nist-reference/*.an2 "$data"/nbis-testdata/*.an2 <<'PY'
import re, sys
for path in sys.argv[2:]:
    data = open(path, 'rb').read()
    for n, start in enumerate(m.start() for m in re.finditer(b'\xff\xa0\xff[\xa2-\xa8]', data)):
        end = data.find(b'\xff\xa1', start)
        if 0 < end - start < 65536:
            open('%s/%s-%d.wsq' % (sys.argv[1], path.rsplit('/', 1)[-1], n), 'wb').write(data[start:end + 2])
PY
fi

run() {
    local name=$1
    "$out/$name-fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
        -artifact_prefix="$out/artifacts/$name-" "$out/new/$name" "Fuzz/corpus/$name" > "$out/$name.log" 2>&1
    local status=$?
    tail -n 3 "$out/$name.log"
    # Keep the committed corpus small: only inputs that add coverage.
    "$out/$name-fuzzer" -merge=1 "Fuzz/corpus/$name" "$out/new/$name" > "$out/$name-merge.log" 2>&1 || true
    return $status
}

status=0
run image & image=$!
run template & template=$!
wait $image || status=1
wait $template || status=1
run nist & nist=$!
run wsq & wsq=$!
wait $nist || status=1
wait $wsq || status=1
run dg2 || status=1
echo "corpus: $(ls Fuzz/corpus/image | wc -l) image inputs, $(ls Fuzz/corpus/template | wc -l) template inputs, $(ls Fuzz/corpus/nist | wc -l) transactions, $(ls Fuzz/corpus/wsq | wc -l) WSQ streams, $(ls Fuzz/corpus/dg2 | wc -l) data groups"
exit $status
