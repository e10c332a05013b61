#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang/swiftc -fsanitize=fuzzer,address)
# and runs each for FUZZ_SECONDS (default 600) on the committed corpus in
# Fuzz/corpus/<name>. New interesting inputs are merged back into the corpus
# (minimised); a crash leaves its input in .build-fuzz/artifacts/ and fails.
#   make fuzz                 # both harnesses, 10 minutes each, in parallel
#   FUZZ_SECONDS=60 make fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-600}"
out=.build-fuzz
mkdir -p "$out/artifacts" "$out/new/image" "$out/new/template"

shim=CShims/VigilVisionC
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address -I"$shim" -I"$shim/include" $(pkg-config --cflags opencv4) \
    Fuzz/image_fuzzer.cpp "$shim/image_probe.cpp" "$shim/image_decode.cpp" "$shim/status.cpp" \
    -lopencv_core -lopencv_imgproc -lopencv_imgcodecs -o "$out/image-fuzzer"
swiftc -parse-as-library -sanitize=fuzzer,address -g -Onone Sources/VigilTemplates/*.swift Fuzz/TemplateFuzzer.swift \
    -o "$out/template-fuzzer"

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
echo "corpus: $(ls Fuzz/corpus/image | wc -l) image inputs, $(ls Fuzz/corpus/template | wc -l) template inputs"
exit $status
