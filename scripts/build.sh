#!/usr/bin/env bash
# Builds the viewer into dist/: wasm (release, wasm-opt -Oz), JS glue, page
# (JS and CSS minified), bundled sample. Prints the size budget figures.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --profile wasm-release --target wasm32-unknown-unknown --lib
rm -rf dist
mkdir -p dist/pkg
wasm-bindgen --target web --no-typescript --out-dir dist/pkg target/wasm32-unknown-unknown/wasm-release/rtcview.wasm
# npm binaryen (132): Debian's wasm-opt 108 cannot parse wasm-bindgen's output.
# Three times: the second pass finds another ~2.5 KB gzipped the first made possible.
# The producers and target-features sections are metadata no browser reads
# (wasm-bindgen has run): 0.2 KB. --low-memory-unused lets wasm-opt fold a
# pointer's added constant into the load's offset (3.2 KB): it changes
# only an access whose address wraps past 4 GiB into the lowest KiB, which
# Rust's code never makes (pointer arithmetic in bounds) and which, with
# rustc's stack-first layout, could only be the last KiB of the 1 MiB
# stack: there the folded load traps, a few frames before the overflow
# would trap anyway (docs/performance.md "Size budget").
# A third pass finds another 0.3 KB (issue 15's room; the import's time
# did not move: 333-337 ms against 334-338 ms, paired rounds on the 52 MB
# rtcstats-js dump, docs/performance.md).
for _ in 1 2; do
  node_modules/.bin/wasm-opt -Oz --low-memory-unused dist/pkg/rtcview_bg.wasm -o dist/pkg/rtcview_bg.wasm
done
node_modules/.bin/wasm-opt -Oz --low-memory-unused --strip-producers --strip-target-features dist/pkg/rtcview_bg.wasm -o dist/pkg/rtcview_bg.wasm
# The sharing tools (redacted copy, conversion, report, summary JSON): the
# same crate with `--features tools`, its own module, loaded by www/tools.js
# only when asked for, so outside the viewer's budget (its size is printed).
cargo build --locked --profile wasm-release --target wasm32-unknown-unknown --lib --features tools
wasm-bindgen --target web --no-typescript --out-dir dist/tools --out-name tools target/wasm32-unknown-unknown/wasm-release/rtcview.wasm
node_modules/.bin/wasm-opt -Oz --strip-producers --strip-target-features dist/tools/tools_bg.wasm -o dist/tools/tools_bg.wasm
cp -r www/. dist/
# JS and CSS minified in place by esbuild (npm, pinned), file by file with
# no bundling: each module stays a module with the same imports and
# exports, only smaller (about 10 KB of the gzipped budget).
node_modules/.bin/esbuild dist/*.js dist/pkg/rtcview.js dist/tools/tools.js dist/*.css \
  --minify --outbase=dist --outdir=dist --allow-overwrite --log-level=warning
# The viewer component is written as small modules (viewer.js wires
# panels, timeline, lanes, charts, findings, dom) but shipped as one:
# gzipped separately they cost 2 KB more than together. The wasm glue
# stays its own module, shared with main.js, mount.js and worker.js.
VIEWER_PARTS="dom findings panels timeline lanes charts"
node_modules/.bin/esbuild www/viewer.js --bundle --format=esm --minify \
  --external:./pkg/rtcview.js --outfile=dist/viewer.js --allow-overwrite --log-level=warning
for m in $VIEWER_PARTS; do rm dist/$m.js; done

# The npm package: pkg-template/ plus the same modules and wasm as dist/.
rm -rf pkg
mkdir -p pkg/pkg
cp -r pkg-template/. pkg/
cp dist/pkg/rtcview.js dist/pkg/rtcview_bg.wasm pkg/pkg/
cp dist/mount.js dist/loader.js dist/viewer.js dist/worker.js dist/viewer.css dist/element.js dist/rtcview-embed.js dist/rtcview-embed.d.ts dist/rtcview-types.d.ts pkg/
# The sharing tools' module: mount()'s charts draw their SVG with it.
mkdir -p pkg/tools
cp dist/tools.js dist/tools-worker.js pkg/
# Several dumps together (calls.js): its view, stylesheet and worker, which
# runs the tools' module.
cp dist/calls.js dist/calls.css dist/combine-worker.js pkg/
cp dist/tools/tools.js dist/tools/tools_bg.wasm pkg/tools/
version=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
sed -i "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" pkg/package.json

# Size budget (issue 5): wasm + JS + CSS the viewer loads, gzipped, <= 450 KB.
budget=$((450 * 1024))
wasm_raw=$(stat -c %s dist/pkg/rtcview_bg.wasm)
wasm_gz=$(gzip -9 -c dist/pkg/rtcview_bg.wasm | wc -c)
js_gz=0
for f in dist/pkg/rtcview.js dist/main.js dist/loader.js dist/viewer.js dist/worker.js dist/style.css dist/viewer.css; do
  js_gz=$((js_gz + $(gzip -9 -c "$f" | wc -c)))
done
total=$((wasm_gz + js_gz))
printf '[build] dist/ and pkg/ ready: wasm %d KB (%d KB gzipped), JS+CSS %d KB gzipped; total %d of %d KB budget\n' \
  $((wasm_raw/1024)) $((wasm_gz/1024)) $((js_gz/1024)) $((total/1024)) $((budget/1024))
tools_gz=$(gzip -9 -c dist/tools/tools_bg.wasm | wc -c)
for f in dist/tools/tools.js dist/tools.js dist/tools-worker.js; do
  tools_gz=$((tools_gz + $(gzip -9 -c "$f" | wc -c)))
done
printf '[build] sharing tools, loaded on first use: %d KB gzipped\n' $((tools_gz/1024))
calls_gz=0
for f in dist/calls.js dist/calls.css dist/combine-worker.js; do
  calls_gz=$((calls_gz + $(gzip -9 -c "$f" | wc -c)))
done
printf '[build] several dumps (calls.js and its worker, with the tools module above), loaded on first use: %d KB gzipped\n' $((calls_gz/1024))
if [ "$total" -gt "$budget" ]; then
  echo "[build] over the size budget" >&2
  exit 1
fi
