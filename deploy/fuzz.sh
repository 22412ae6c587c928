#!/usr/bin/env bash
# Builds the fuzzers of untrusted input (the bearer-token parser, the in-place
# reader of log entries peers send, the search tokenizer over replicated text) with clang + libFuzzer + AddressSanitizer +
# UndefinedBehaviorSanitizer into ./build-fuzz and runs each for a bounded time.
# Usage: deploy/fuzz.sh [SECONDS]   (default 60, per fuzzer)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
bash deploy/install-deps.sh
command -v clang++-14 >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null
}
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBIBIA_BUILD_FUZZERS=ON -DBIBIA_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-fuzz -j2 --target bibia_token_fuzzer bibia_log_entry_fuzzer bibia_text_fuzzer
mkdir -p build-fuzz/corpus build-fuzz/log-entry-corpus build-fuzz/text-corpus
cp -n tests/fuzz/corpus/* build-fuzz/corpus/ 2>/dev/null || true
cp -n tests/fuzz/log-entry-corpus/* build-fuzz/log-entry-corpus/ 2>/dev/null || true
./build-fuzz/tests/fuzz/bibia_token_fuzzer build-fuzz/corpus -max_total_time="$SECONDS_TO_RUN" -max_len=9000 \
  -print_final_stats=1
./build-fuzz/tests/fuzz/bibia_log_entry_fuzzer build-fuzz/log-entry-corpus -max_total_time="$SECONDS_TO_RUN" \
  -max_len=4096 -print_final_stats=1
./build-fuzz/tests/fuzz/bibia_text_fuzzer build-fuzz/text-corpus -max_total_time="$SECONDS_TO_RUN" -max_len=4096 \
  -print_final_stats=1
