#!/usr/bin/env python3
"""The post network's figures quoted in the README, on real processes over loopback:

1. a new post catching up ENTRIES face entries from nothing: time, and bytes per entry;
2. the upload after an outage of headquarters of the RECORDS screenings the post made meanwhile
   (fingerprint templates, so that making them does not take hours): time, records, bytes;
3. change at headquarters to searchable at the post: p50/p99 over CHANGES enrolments;
4. headquarters' `vigil audit verify` over its own chain and the post's.

Usage: scripts/bench-posts.py VIGIL_BINARY   (ENTRIES=100000 CHANGES=100 by default)
Photos for the enrolments come from ../shared/data (measurement only).
"""
import base64
import concurrent.futures
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

VIGIL = sys.argv[1]
ENTRIES = int(os.environ.get("ENTRIES", 100_000))
CHANGES = int(os.environ.get("CHANGES", 100))
RECORDS = int(os.environ.get("RECORDS", 100_000))
MODELS = ["--models-dir", os.environ.get("MODELS", "Models")]
DATA = os.environ.get("VIGIL_TESTDATA", os.path.join(os.path.dirname(os.getcwd()), "shared", "data"))
WORK = tempfile.mkdtemp(prefix="vigil-bench-posts-")


def vigil(*args, models=True):
    done = subprocess.run([VIGIL, *args, *(MODELS if models else [])], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"vigil {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def last_line(text):
    return text.strip().splitlines()[-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db, port, *extra):
    log = open(os.path.join(WORK, f"{os.path.basename(db)}.{port}.log"), "a")
    # No rate limit: the benchmark polls the post every few milliseconds.
    process = subprocess.Popen([VIGIL, "serve", "--db", db, "--port", str(port), "--rate-limit", "0", *MODELS, *extra], stdout=log, stderr=log)
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health/ready", timeout=2)
            return process
        except OSError:
            time.sleep(0.05)
    sys.exit(f"daemon on {port} did not start")


def call(port, path, token, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method="POST" if body else "GET",
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def metric(port, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ") or line.startswith(name + "{"))


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    hq_db, post_db = os.path.join(WORK, "hq.sqlite"), os.path.join(WORK, "post.sqlite")
    print(f"filling headquarters with {ENTRIES} synthetic face entries ...", flush=True)
    vigil("bench", "search", "--gallery", str(ENTRIES), "--queries", "5", "--from-db", hq_db, models=False)
    post_key, hq_key = os.path.join(WORK, "post.key"), os.path.join(WORK, "hq.key")
    vigil("audit", "public-key", "--db", post_db, "--output", post_key)
    node = last_line(vigil("token", "create", "--db", hq_db, "--role", "node", "--name", "BENCH-POST", "--node-key", post_key))
    hq_admin = last_line(vigil("token", "create", "--db", hq_db, "--role", "admin", "--name", "bench"))
    post_admin = last_line(vigil("token", "create", "--db", post_db, "--role", "admin", "--name", "bench"))
    post_token = last_line(vigil("token", "create", "--db", post_db, "--role", "post", "--name", "BENCH-POST"))
    vigil("sync", "public-key", "--db", hq_db, "--output", hq_key)
    hq_port, post_port = free_port(), free_port()
    hq = serve(hq_db, hq_port)

    # 1. Catch-up from nothing.
    launched = time.time()
    post = serve(post_db, post_port, "--upstream", f"http://127.0.0.1:{hq_port}", "--upstream-token", node, "--upstream-key", hq_key)
    ready = time.time() - launched
    while call(post_port, "/v1/health", post_admin)["upstream"]["version"] < ENTRIES:
        time.sleep(0.05)
    caught_up = time.time() - launched
    served = metric(hq_port, "vigil_sync_page_bytes_served_total")
    sent = metric(hq_port, "vigil_sync_page_bytes_sent_total")
    held = call(post_port, "/v1/watchlist/version", post_admin)
    assert held["entries"] == ENTRIES and held["face_templates"] == ENTRIES, held
    print(f"catch-up: {ENTRIES} entries in {caught_up:.1f} s from launch (of which start-up {ready:.1f} s); "
          f"{sent / ENTRIES:.0f} bytes per entry sent ({sent / 1e6:.1f} MB gzip-compressed; {served / ENTRIES:.0f} before compression)", flush=True)

    if RECORDS == 0 and CHANGES == 0:  # the catch-up alone
        post.terminate()
        hq.terminate()
        return
    # 2. An outage: the post keeps screening (two clients), its records wait for headquarters.
    while call(post_port, "/v1/health", post_admin)["upstream"]["records_acknowledged"] < ENTRIES:
        time.sleep(0.2)  # the records of the catch-up itself are up first
    hq.terminate()
    hq.wait()
    acknowledged = call(post_port, "/v1/health", post_admin)["upstream"]["records_acknowledged"]
    fingers = sorted(os.path.join(root, name) for root, _, names in os.walk(os.path.join(DATA, "fingerprints", "FVC2002", "DB1_B"))
                     for name in names if name.endswith(".iso"))
    bodies = [{"finger_right_index": base64.b64encode(open(f, "rb").read()).decode()} for f in fingers]
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda n: call(post_port, "/v1/screenings", post_token, bodies[n % len(bodies)]), range(RECORDS)))
    screened = time.time() - started
    newest = sqlite3.connect(post_db).execute("SELECT MAX(seq) FROM audit_record").fetchone()[0]
    print(f"outage: {RECORDS} screenings at the post in {screened:.0f} s ({RECORDS / screened:.0f}/s) while headquarters was down", flush=True)
    hq = serve(hq_db, hq_port)
    restarted = time.time()
    while call(post_port, "/v1/health", post_admin)["upstream"]["records_acknowledged"] < newest:
        time.sleep(0.05)
    uploaded = time.time() - restarted
    stored = sqlite3.connect(hq_db).execute(
        "SELECT SUM(LENGTH(record)) FROM post_record WHERE post = 'BENCH-POST' AND seq > ?", (acknowledged,)).fetchone()[0] or 0
    count = newest - acknowledged
    print(f"upload after the outage: {count} records in {uploaded:.1f} s from headquarters' restart "
          f"({count / max(uploaded, 1e-9):.0f} records/s, {stored / max(count, 1):.0f} bytes per record as stored)", flush=True)

    # 3. Change to searchable: an enrolment at headquarters, then polled at the post every 2 ms.
    photos = sorted(os.path.join(root, name) for root, _, names in os.walk(os.path.join(DATA, "faces", "pakistan-politicians"))
                    for name in names if name.endswith(".jpg"))
    latencies = []
    expected = ENTRIES
    for photo in photos[:: max(1, len(photos) // CHANGES)][:CHANGES]:
        body = {"name": "Bench", "category": "wanted_other", "face": base64.b64encode(open(photo, "rb").read()).decode()}
        try:
            call(hq_port, "/v1/watchlist/entries", hq_admin, body)
        except urllib.error.HTTPError:
            continue  # no usable face in this photo
        committed = time.time()
        expected += 1
        while call(post_port, "/v1/watchlist/version", post_admin)["entries"] < expected:
            time.sleep(0.002)
        latencies.append((time.time() - committed) * 1000)
    if latencies: print(f"change to searchable at the post: p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms "
          f"over {len(latencies)} enrolments (after headquarters' answer; push, the post's request held until the change)", flush=True)

    # 4. Headquarters verifies its own chain and the post's.
    time.sleep(3)
    post.terminate()
    hq.terminate()
    post.wait()
    hq.wait()
    started = time.time()
    report = json.loads(vigil("audit", "verify", "--db", hq_db, "--json"))
    verified = time.time() - started
    chains = {p["post"]: p["verification"] for p in report.get("posts", [])}
    print(f"headquarters' audit verify: {verified:.1f} s for its {report['records']} records and the post's "
          f"{chains['BENCH-POST']['records']} (ok: {report['ok'] and chains['BENCH-POST']['ok']})", flush=True)
    print(f"(work files in {WORK})")


if __name__ == "__main__":
    main()
