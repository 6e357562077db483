// Dev: how a worker reads a dump: fetch or a picked File, streamed
// (default), in 8 MB slices ("slices": arrayBuffer, "sync": FileReaderSync),
// alone ("read") or into the wasm importer ("import"). Prints times.
//   node scripts/dev/read-speed.mjs <file in bench-data/> [mode,mode,...]
import { chromium } from 'playwright-core';
import { createReadStream, statSync } from 'node:fs';
import { serve } from '../serve.mjs';
const f = process.argv[2];
const routes = { '/bare.html': (req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><title>bare</title>'); }, [`/bench/${f}`]: (req, res) => { res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(`bench-data/${f}`).size }); createReadStream(`bench-data/${f}`).pipe(res); } };
const server = await serve('dist', 0, () => {}, routes);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
page.on('console', (m) => console.log('console:', m.text())); page.on('crash', () => console.log('crash')); await page.goto(base + 'bare.html');
await page.setContent('<input id=f type=file>');
await page.setInputFiles('#f', `bench-data/${f}`);
for (const mode of (process.argv[3] || 'file-read,file-import,file-read,file-import,read,import,blob-import').split(',')) {
  const r = await page.evaluate(async ({ base, f, mode }) => {
    const src = `import init, { ImportStream } from '${base}pkg/rtcview.js';
      onmessage = async ({ data }) => { await init(); const t0 = performance.now(); let n = 0, chunks = 0;
        let stream;
        if (data.mode === 'blob-import') { const b = await (await fetch(data.url)).blob(); stream = b.stream(); }
        else if (data.file && data.mode.includes('slices')) {
          const file = data.file; const SL = 8 << 20; let off = 0;
          stream = new ReadableStream({ async pull(c) { if (off >= file.size) { c.close(); return; } const b = new Uint8Array(await file.slice(off, off + SL).arrayBuffer()); off += SL; c.enqueue(b); } }, { highWaterMark: 0 });
        } else if (data.file && data.mode.includes('sync')) {
          const file = data.file; const SL = 8 << 20; let off = 0; const fr = new FileReaderSync();
          stream = new ReadableStream({ pull(c) { if (off >= file.size) { c.close(); return; } const b = new Uint8Array(fr.readAsArrayBuffer(file.slice(off, off + SL))); off += SL; c.enqueue(b); } }, { highWaterMark: 0 });
        }
        else if (data.file) stream = data.file.stream();
        else stream = (await fetch(data.url)).body;
        const t1 = performance.now();
        const input = data.mode.includes('import') ? new ImportStream() : null; const reader = stream.getReader();
        for (;;) { const { value, done } = await reader.read(); if (done) break; n += value.length; chunks++; if (input) input.push(value); }
        const t2 = performance.now(); if (input) { input.finish(); input.free(); }
        postMessage({ ms: t2 - t1, startMs: t1 - t0, finishMs: performance.now() - t2, n, chunks }); };`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
    const out = await new Promise((res) => { w.onmessage = (e) => res(e.data); w.postMessage({ url: `${base}bench/${f}`, mode, file: mode.startsWith('file') ? document.getElementById('f').files[0] : null }); });
    w.terminate();
    return out;
  }, { base, f, mode });
  console.log(mode, JSON.stringify(r));
}
await browser.close();
server.close();
