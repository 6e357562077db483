#!/usr/bin/env bash
# Builds the viewer into dist/: wasm (release, wasm-opt -Oz), JS glue, page,
# bundled sample. Prints the size budget figures.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --profile wasm-release --target wasm32-unknown-unknown --lib
rm -rf dist
mkdir -p dist/pkg
wasm-bindgen --target web --no-typescript --out-dir dist/pkg target/wasm32-unknown-unknown/wasm-release/rtcview.wasm
# npm binaryen (132): Debian's wasm-opt 108 cannot parse wasm-bindgen's output.
node_modules/.bin/wasm-opt -Oz dist/pkg/rtcview_bg.wasm -o dist/pkg/rtcview_bg.wasm
cp -r www/. dist/

raw=$(stat -c %s dist/pkg/rtcview_bg.wasm)
gz=$(gzip -9 -c dist/pkg/rtcview_bg.wasm | wc -c)
js=$(cat dist/*.js dist/pkg/*.js dist/*.css 2>/dev/null | gzip -9 | wc -c)
printf '[build] dist/ ready: wasm %d KB (%d KB gzipped), JS+CSS %d KB gzipped\n' $((raw/1024)) $((gz/1024)) $((js/1024))
