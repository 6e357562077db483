#!/usr/bin/env bash
# Import benchmark: generates big realistic dumps (once) into bench-data/,
# measures rtcview's native import throughput, and prints it next to V8's
# JSON.parse on the same bytes. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-data
cargo build --release --example gen_dump
gen() { [ -f "bench-data/$4" ] || target/release/examples/gen_dump "$1" "$2" "$3" "bench-data/$4"; }
gen rtcstats        10  1 rtcstats-js-10min-1pc.rtcstats
gen rtcstats        60  4 rtcstats-js-60min-4pc.rtcstats
gen rtcstats        60 16 rtcstats-js-60min-16pc.rtcstats
gen rtcstats-chrome 10  1 rtcstats-chrome-10min-1pc.rtcstats
gen rtcstats-chrome 60  4 rtcstats-chrome-60min-4pc.rtcstats
gen internals       10  1 internals-10min-1pc.json
gen internals       60  4 internals-60min-4pc.json
gen internals       60 16 internals-60min-16pc.json
# --big: the issue-6 sizes for the browser bench (scripts/bench-browser.mjs
# big/<file>): 527 MB and 1 GB rtcstats, and a million-point series. Not
# imported by the native bench below (minutes each, and V8 cannot hold a
# string of the larger ones to compare with).
if [ "${1:-}" = --big ]; then
  mkdir -p bench-data/big
  gen rtcstats            300 16 big/rtcstats-js-300min-16pc.rtcstats
  gen rtcstats            590 16 big/rtcstats-js-590min-16pc.rtcstats
  gen rtcstats-chrome     240  8 big/rtcstats-chrome-240min-8pc.rtcstats
  gen rtcstats-one-stream 16667 1 big/one-stream-1m-polls.rtcstats
fi
ls -la bench-data
cargo bench --bench import
node scripts/bench-compare.mjs
