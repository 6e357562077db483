#!/usr/bin/env bash
# Runs every test: native (unit, real dumps, properties, CLI), browser
# (wasm-bindgen-test in headless Chromium), and end-to-end (Playwright against
# the built dist/). Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export CI="${CI:-true}"   # insta: never write snapshots from the test command

echo "== native tests"
cargo test --locked
echo "== browser tests (wasm-bindgen-test, headless chromium)"
cargo test --locked --target wasm32-unknown-unknown
echo "== build dist/"
scripts/build.sh
echo "== end-to-end (playwright-core + /usr/bin/chromium)"
npm run --silent e2e
