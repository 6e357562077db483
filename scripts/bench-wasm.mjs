// The wasm import in Node, without a browser: the same build as dist/
// (wasm-release, wasm-opt as scripts/build.sh runs it) through wasm-bindgen's nodejs target. Each
// file is pushed in 1 MB chunks as the worker does; prints the push (read
// and parse), finish (build, summary with findings, chart catalog) and
// encode (the transfer) times, best of --repeat runs. For comparing builds
// (opt-levels, a change to the importer): asserts nothing.
//
//   node scripts/bench-wasm.mjs [--repeat=3] [--pkg=DIR] FILE...
//
// --pkg: a wasm-bindgen nodejs-target directory (default: builds one into
// target/bench-wasm/).
import { execFileSync } from "node:child_process";
import { openSync, readSync, closeSync, statSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve, basename } from "node:path";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
};
const repeat = Number(opt("repeat", "3"));
const files = args.filter((a) => !a.startsWith("--"));
let pkg = opt("pkg", "");
if (!pkg) {
  pkg = resolve("target/bench-wasm");
  mkdirSync(pkg, { recursive: true });
  const run = (cmd, argv) => execFileSync(cmd, argv, { stdio: "inherit" });
  run("cargo", ["build", "--locked", "--profile", "wasm-release", "--target", "wasm32-unknown-unknown", "--lib"]);
  run("wasm-bindgen", ["--target", "nodejs", "--no-typescript", "--out-dir", pkg, "target/wasm32-unknown-unknown/wasm-release/rtcview.wasm"]);
  // As scripts/build.sh optimizes dist/'s wasm.
  for (const extra of [[], [], ["--strip-producers", "--strip-target-features"]]) {
    run("node_modules/.bin/wasm-opt", ["-Oz", "--low-memory-unused", ...extra, `${pkg}/rtcview_bg.wasm`, "-o", `${pkg}/rtcview_bg.wasm`]);
  }
  // The nodejs target is CommonJS; the repository's package.json says "module".
  writeFileSync(`${pkg}/package.json`, '{ "type": "commonjs" }\n');
}
const wasm = createRequire(import.meta.url)(resolve(pkg, "rtcview.js"));

function once(file) {
  const imp = new wasm.ImportStream();
  imp.sizeHint(statSync(file).size);
  const fd = openSync(file, "r");
  const buf = new Uint8Array(1 << 20);
  const t0 = performance.now();
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    imp.push(buf.subarray(0, n));
  }
  closeSync(fd);
  const t1 = performance.now();
  imp.finish();
  const t2 = performance.now();
  let bytes = 0;
  for (let p; (p = imp.nextPart()) !== undefined; ) bytes += p.length;
  const t3 = performance.now();
  imp.free();
  return { push: t1 - t0, finish: t2 - t1, encode: t3 - t2, total: t3 - t0, bytes };
}

console.log("| file | MB | push ms | finish ms | encode ms | total ms |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const file of files) {
  if (!existsSync(file)) throw new Error(`${file}: not found (scripts/bench.sh generates bench-data/)`);
  const runs = Array.from({ length: repeat }, () => once(file));
  const best = (k) => Math.min(...runs.map((r) => r[k])).toFixed(0);
  const mb = (statSync(file).size / 1e6).toFixed(1);
  console.log(`| ${basename(file)} | ${mb} | ${best("push")} | ${best("finish")} | ${best("encode")} | ${best("total")} |`);
}
