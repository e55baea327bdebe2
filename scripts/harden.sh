#!/usr/bin/env bash
# The hardening checks .ci/run makes after the README's test command (issue 11):
#   1. the whole suite built by clang under AddressSanitizer and UndefinedBehaviorSanitizer
#      (every report fatal), with libFuzzer's coverage so the same build has the fuzzers;
#   2. every libFuzzer target, a fixed number of inputs from a fixed seed (3.6 min for all
#      eleven here), or PERFGATE_FUZZ_SECONDS each from a random seed (scripts/fuzz.sh);
#   3. the concurrent tests (fetching, parsing, judging in parallel) under ThreadSanitizer.
# Installs clang and its runtimes first (scripts/setup.sh --hardening).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --hardening

PERFGATE_BUILD_DIR=build-hardening PERFGATE_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPERFGATE_SANITIZE=address,undefined -DPERFGATE_FUZZ=ON \
  -DPERFGATE_BUILD_BENCH=OFF -DPERFGATE_WERROR=ON" bash scripts/build.sh
(cd build-hardening && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j "$(nproc)")

bash scripts/fuzz.sh build-hardening

# Without -Werror: GCC's -Wtsan warns on Boost.Asio's atomic_thread_fence (in the fake
# server), which TSan does not model; the ASan build above has warnings as errors.
PERFGATE_BUILD_DIR=build-tsan PERFGATE_CMAKE_ARGS="-DPERFGATE_SANITIZE=thread \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPERFGATE_BUILD_BENCH=OFF -DPERFGATE_WERROR=OFF" bash scripts/build.sh
TSAN_OPTIONS=halt_on_error=1 build-tsan/perfgate_tests \
  --gtest_filter='SentryOverHttp*:CliSentry*:CurlTransport*:ReadNdjson*:SentryClient*:HttpClient*:ParallelFor*:Evaluate*:Interrupt*:Receiver*:Record.*'
echo "harden: the suite under ASan+UBSan, the fuzzers and the concurrent tests under TSan passed"
