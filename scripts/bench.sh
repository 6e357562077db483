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
ls -la bench-data
cargo bench --bench import
node scripts/bench-compare.mjs
