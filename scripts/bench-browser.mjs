// Browser benchmark (issue 6): loads generated dumps in the built viewer in
// headless Chromium and prints, per file: time to first chart and to
// "opened", peak main-thread JS heap, peak renderer processes' memory (PSS
// and RSS),
// the longest main-thread task during the load, and Chromium's own JSON.parse
// of the same bytes (every line for rtcstats; document plus every `values`
// string for webrtc-internals). Prints figures; asserts nothing.
//   node scripts/bench-browser.mjs [--url] [files in bench-data/, e.g. big/...]
// Files are opened as a user drops them (a disk-backed File given to the
// page's file input: the worker streams it from disk); with --url they are
// fetched from the local server instead (?url=), which on a small machine
// mostly measures the localhost transfer.
import { chromium } from 'playwright-core';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { serve } from './serve.mjs';

// Default: the files of scripts/bench.sh; `big/<file>` for those of --big.
const viaUrl = process.argv.includes('--url');
// --repeat=N: each file N times, interleaved. Memory is sampled in the first
// round only: reading /proc/<pid>/smaps_rollup every 100 ms takes CPU from
// the import (about 12 % slower on 2 cores), so with N > 1 the times are the
// median of the other rounds. Memory and the longest task: the maximum.
const repeat = Number(process.argv.find((a) => a.startsWith('--repeat='))?.slice(9)) || 1;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = args.length ? args : readdirSync('bench-data').filter((f) => statSync(`bench-data/${f}`).isFile()).sort();
const routes = {};
for (const f of files) {
  routes[`/bench/${f}`] = (req, res) => { res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(`bench-data/${f}`).size }); createReadStream(`bench-data/${f}`).pipe(res); };
}
const server = await serve('dist', 0, () => {}, routes);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage', '--enable-precise-memory-info'] });

/** Memory (MB) of the renderer processes of Playwright-launched Chromium
 *  (the page and its workers live in one): summed RSS, and summed PSS,
 *  which counts shared pages (Chromium's own code) once across processes
 *  instead of once per process. */
function rendererMemory() {
  let rss = 0;
  let pss = 0;
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !cmd.includes('playwright')) continue;
      const roll = readFileSync(`/proc/${d}/smaps_rollup`, 'utf8');
      rss += Number(roll.match(/^Rss:\s+(\d+)/m)?.[1] ?? 0);
      pss += Number(roll.match(/^Pss:\s+(\d+)/m)?.[1] ?? 0);
    } catch { /* gone */ }
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

const rows = [];
for (const [round, f] of Array.from({ length: repeat }, (_, k) => files.map((x) => [k, x])).flat()) {
  const sampleMemory = round === 0;
  const mb = statSync(`bench-data/${f}`).size / 1e6;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    window.__b = { longest: 0, heap: 0, t: {} };
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__b.longest = Math.max(window.__b.longest, e.duration); }).observe({ type: 'longtask', buffered: true });
    setInterval(() => { window.__b.heap = Math.max(window.__b.heap, performance.memory?.usedJSHeapSize ?? 0); }, 50);
    addEventListener('DOMContentLoaded', () => {
      const mark = (k) => { window.__b.t[k] ??= performance.now(); };
      new MutationObserver(() => {
        const s = document.getElementById('status')?.textContent ?? '';
        if (s.startsWith('Opened')) mark('opened');
        if (s.startsWith('Could not')) mark('failed');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
      new MutationObserver((ms) => { if (ms.some((m) => m.target.tagName === 'CANVAS' && Number(m.target.getAttribute('width')) > 300)) mark('chart'); })
        .observe(document.body, { subtree: true, attributes: true, attributeFilter: ['width'] });
    });
  });
  let peakRss = 0;
  let peakPss = 0;
  const sampler = sampleMemory ? setInterval(() => { const m = rendererMemory(); peakRss = Math.max(peakRss, m.rss); peakPss = Math.max(peakPss, m.pss); }, 100) : null;
  const t0 = Date.now();
  if (viaUrl) {
    await page.goto(`${base}?url=${encodeURIComponent(`bench/${f}`)}`);
  } else {
    // The page opens the bundled sample first; the clock starts when the
    // file is delivered to the input.
    await page.goto(base);
    await page.waitForFunction(() => window.__b.t.opened, null, { timeout: 60000 });
    await page.evaluate(() => {
      addEventListener('change', () => { window.__b.t = { delivered: performance.now() }; window.__b.longest = 0; }, true);
    });
    await page.setInputFiles('#file', `bench-data/${f}`);
  }
  await page.waitForFunction(() => window.__b.t.opened || window.__b.t.failed, null, { timeout: 600000 });
  await page.waitForTimeout(300);
  clearInterval(sampler);
  const b = await page.evaluate(() => ({ ...window.__b, worker: performance.getEntriesByName('rtcview:worker-import').at(-1)?.detail }));
  // Zoom and pan: the slowest redraw of one chart, and the points of the
  // longest series drawn (the target: 16 ms with a million points).
  const redraw = await page.evaluate(async () => {
    const fig = document.querySelector('figure');
    if (!fig) return null;
    fig.scrollIntoView({ block: 'center' });
    const frames = (n) => new Promise((r) => { const f = () => (n-- ? requestAnimationFrame(f) : r()); f(); });
    await frames(3);
    performance.clearMeasures('rtcview:draw');
    for (const sel of ['.rv-zoom-in', '.rv-zoom-in', '.rv-pan-left', '.rv-zoom-out', '.rv-zoom-out', '.rv-pan-right', '.rv-reset']) {
      document.querySelector(sel)?.click();
      await frames(2);
    }
    const draws = performance.getEntriesByName('rtcview:draw');
    return { draws: draws.length, max: Math.max(...draws.map((d) => d.duration)) };
  });
  // Chromium's JSON.parse on the same bytes, in a fresh page.
  const parse = await page.evaluate(async (url) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    // V8 caps strings near 512 MB: beyond that JSON.parse cannot even start.
    let text;
    try { text = new TextDecoder().decode(bytes); } catch { return null; }
    if (text.length < bytes.length / 2) return null; // cut at the limit
    const t = performance.now();
    if (text.startsWith('RTCStatsDump')) {
      let start = 0;
      let n = 0;
      for (;;) {
        const end = text.indexOf('\n', start);
        const line = text.slice(start, end < 0 ? undefined : end);
        if (n++ >= 2 && line) JSON.parse(line);
        if (end < 0) break;
        start = end + 1;
      }
    } else {
      const d = JSON.parse(text);
      for (const pc of Object.values(d.PeerConnections)) for (const s of Object.values(pc.stats)) if (s.values) JSON.parse(s.values);
    }
    return performance.now() - t;
  }, `${base}bench/${f}`);
  const nav = await page.evaluate(() => performance.timeOrigin);
  const since = (k) => (b.t[k] == null ? null : b.t[k] - (b.t.delivered ?? 0));
  rows.push({ f, timed: repeat === 1 || !sampleMemory, mb, chart: since('chart'), opened: since('opened'), worker: b.worker, failed: !!b.t.failed, heap: b.heap / 1e6, rss: peakRss, pss: peakPss, redraw, longest: b.longest, parse, wall: Date.now() - t0, nav });
  console.error(`${f}: opened ${since('opened')?.toFixed(0)} ms`);
  await page.close();
}
await browser.close();
server.close();

console.log('| file | MB | first chart ms | opened ms | import ms (worker: read, parse, encode) | of which reading and parsing ms | peak JS heap MB (page) | peak renderer PSS MB (RSS) | longest main-thread task ms | slowest chart redraw ms (zoom, pan) | Chromium JSON.parse ms | import / JSON.parse |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const median = (xs) => { const v = xs.filter((x) => x != null).sort((a, b) => a - b); return v.length ? v[(v.length - 1) >> 1] : null; };
for (const f of files) {
  const all = rows.filter((r) => r.f === f);
  const rs = all.filter((r) => r.timed);
  const pick = (g) => median(rs.map(g));
  const most = (g) => Math.max(...rs.map(g));
  const imps = rs.map((r) => (r.worker ? r.worker.readAndParseMs + r.worker.finishMs : null));
  const imp = median(imps);
  const read = pick((r) => r.worker?.readAndParseMs);
  const parse = pick((r) => r.parse);
  // The ratio of each run, then their median (runs pair import and parse).
  const ratio = median(rs.map((r, i) => (imps[i] != null && r.parse ? imps[i] / r.parse : null)));
  const chart = pick((r) => r.chart);
  const redraw = rs.some((r) => r.redraw?.draws) ? most((r) => r.redraw?.max ?? 0) : null;
  const failed = all.some((r) => r.failed);
  console.log(`| ${f} | ${all[0].mb.toFixed(1)} | ${chart?.toFixed(0) ?? '–'} | ${failed ? 'failed' : pick((r) => r.opened).toFixed(0)} | ${imp?.toFixed(0) ?? '–'} | ${read?.toFixed(0) ?? '–'} | ${Math.max(...all.map((r) => r.heap)).toFixed(0)} | ${Math.max(...all.map((r) => r.pss)).toFixed(0)} (${Math.max(...all.map((r) => r.rss)).toFixed(0)}) | ${Math.max(...all.map((r) => r.longest)).toFixed(0)} | ${redraw?.toFixed(1) ?? '–'} | ${parse?.toFixed(0) ?? 'cannot (text over V8\'s string limit)'} | ${ratio != null ? `${ratio.toFixed(2)}x` : '–'} |`);
}
