// The sharing tools' wasm module (dist/tools/, src/app/tools.rs) in Node,
// without a browser: what the page's worker does with it, at its limits.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
let tools;
before(async () => {
  assert.ok(existsSync(DIST + 'tools/tools_bg.wasm'), 'run scripts/build.sh first');
  tools = await import(DIST + 'tools/tools.js');
  await tools.default({ module_or_path: readFileSync(DIST + 'tools/tools_bg.wasm') });
});

/** Redacts `bytes` as tools-worker.js does, in chunks of `chunk` bytes. */
function redact(bytes, chunk, gzip) {
  const r = new tools.RedactStream(false, gzip);
  const parts = [];
  try {
    for (let at = 0; at < bytes.length; at += chunk) {
      parts.push(r.push(bytes.subarray(at, at + chunk)));
      while (r.pending()) parts.push(r.push(new Uint8Array(0)));
    }
    parts.push(r.finish());
    return { text: Buffer.concat(parts), note: r.summary() };
  } finally {
    r.free();
  }
}

test('a gzip bomb pushed whole stops at the decompressed limit with too_large, and no push returns more than about 50 MiB', () => {
  // 64 MiB of 'z' lines, 64 KiB long (few lines: the redactor's time is
  // per line), gzipped to a few tens of KB, 17 times: past the 1 GiB limit.
  const line = Buffer.concat([Buffer.alloc((64 << 10) - 1, 'z'), Buffer.from('\n')]);
  const block = gzipSync(Buffer.concat(Array(1024).fill(line)), { level: 9 });
  const bomb = Buffer.concat([gzipSync('RTCStatsDump\n{"fileFormat":3}\n'), ...Array(17).fill(block)]);
  const r = new tools.RedactStream(false, true);
  let largest = 0;
  assert.throws(() => {
    largest = Math.max(largest, r.push(bomb).length);
    while (r.pending()) largest = Math.max(largest, r.push(new Uint8Array(0)).length);
  }, (e) => e.name === 'too_large');
  assert.ok(largest <= 50 << 20, `${largest} bytes in one push`);
  r.free(); // not left borrowed by a trap
});

test('the module redacts a recorded call as the command line does, whatever the chunks', () => {
  const gz = readFileSync(FIXTURES + 'scenarios/turn-tcp/a.rtcstats-page.gz');
  const cli = execFileSync('cargo', ['run', '--quiet', '--bin', 'rtcview', '--', 'redact', '-', '-o', '-'], { input: gz, maxBuffer: 1 << 28 });
  const expected = gunzipSync(cli);
  for (const chunk of [7, 4096, gz.length]) {
    const { text, note } = redact(gz, chunk, true);
    assert.ok(text.equals(expected), `chunks of ${chunk}`);
    assert.match(note, /^3 addresses, 2 ICE ufrags/);
  }
  const plain = gunzipSync(gz);
  assert.ok(redact(plain, 1 << 20, false).text.equals(expected), 'plain input');
});
