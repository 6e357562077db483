// End-to-end: the built dist/ in headless Chromium (playwright-core driving
// /usr/bin/chromium). Screenshots go to target/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { serve } from '../../scripts/serve.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const DUMPS = new URL('../../../shared/dumps/public/', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const OUT = new URL('../../target/e2e/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

let server, browser, base;
before(async () => {
  assert.ok(existsSync(DIST + 'index.html'), 'run scripts/build.sh first');
  server = await serve(DIST);
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
  });
});
after(async () => { await browser?.close(); server?.close(); });

async function openPage(path = '', viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(base + path);
  await page.waitForFunction(() => /^(Opened|Could not)/.test(document.getElementById('status').textContent));
  return { page, problems };
}

async function dropFile(page, name, bytes) {
  await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  await page.waitForFunction((n) => {
    const s = document.getElementById('status').textContent;
    return s === `Opened ${n}.` || s === 'Could not open this file.';
  }, name);
}

/** Non-background pixels of a canvas (a drawn chart has many). */
const inked = (page, selector) => page.$eval(selector, (c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
  return n;
});

test('the sample session: overview, swimlanes, a chart per stream, panels', async () => {
  const { page, problems } = await openPage();
  const text = await page.textContent('.rv-session');
  assert.match(text, /Overview/);
  assert.match(text, /Peer connection PC_0/);
  assert.match(text, /Peer connection PC_1/);
  assert.match(text, /OverconstrainedError/);
  // Four state swimlanes per connection, with segments.
  assert.equal(await page.locator('[data-pc-index=\"0\"] .lane').count(), 4);
  assert.ok(await page.locator('[data-pc-index=\"0\"] .seg').count() >= 4);
  // A chart group per stream, and a bitrate chart in each.
  const groups = await page.locator('[data-pc-index=\"0\"] .charts h3').allTextContents();
  assert.deepEqual(groups.filter((g) => g.startsWith('outbound')).length, 2, groups.join(' | '));
  assert.equal(await page.locator('[data-pc-index=\"1\"] .charts h3', { hasText: 'inbound video' }).count(), 1);
  const fig = page.locator('[data-pc-index=\"0\"] figure.chart').first();
  await fig.scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
    assert.ok(await inked(page, '[data-pc-index=\"0\"] figure.chart canvas') > 500, 'the first chart is drawn');
  // The legend wears the lines' colours and dashes, from Rust's palette
  // (light theme: #0072b2 solid, #ed701d dashed).
  const swatches = await fig.locator('.swatch').evaluateAll((s) => s.map((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).backgroundImage]));
  assert.ok(swatches.length >= 2, 'the bitrate chart has payload and target');
  assert.deepEqual(swatches[0], ['rgb(0, 114, 178)', 'none']);
  assert.match(swatches[1][1], /^repeating-linear-gradient\(90deg, rgb\(237, 112, 29\) 0px, rgb\(237, 112, 29\) 6px, rgba\(0, 0, 0, 0\) 6px, rgba\(0, 0, 0, 0\) 9px\)$/);
  // HiDPI-aware sizing: canvas pixels = CSS pixels x devicePixelRatio.
  const sizes = await page.$eval('[data-pc-index=\"0\"] figure.chart canvas', (c) => [c.width, c.clientWidth, devicePixelRatio]);
  assert.equal(sizes[0], Math.round(sizes[1] * sizes[2]));
  assert.match(await page.textContent('[data-pc-index=\"0\"]'), /SDP \(3\)/);
  assert.match(await page.textContent('[data-pc-index=\"0\"]'), /ICE candidate pairs \(\d+\)/);
  assert.deepEqual(problems, []);
  await page.screenshot({ path: OUT + 'sample.png', fullPage: true });
  await page.close();
});

test('HiDPI: charts are drawn at devicePixelRatio 2', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
  await page.goto(base);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Opened'));
  await page.locator('[data-pc-index=\"0\"] figure.chart').first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  const [w, cw] = await page.$eval('[data-pc-index=\"0\"] figure.chart canvas', (c) => [c.width, c.clientWidth]);
  assert.equal(w, cw * 2);
  await page.locator('[data-pc-index=\"0\"] .chart-grid').first().screenshot({ path: OUT + 'charts-2x.png' });
  await page.close();
});

test('one time axis: drag to zoom, buttons, hover readouts, log marks', async () => {
  const { page } = await openPage();
  const span = async () => Number((await page.textContent('.rv-range')).match(/\(([\d.]+) s\)/)[1]);
  const full = await span();
  const canvas = page.locator('[data-pc-index=\"0\"] figure.chart canvas').nth(1);
  await canvas.scrollIntoViewIfNeeded();
  await page.waitForTimeout(150);
  const box = await canvas.boundingBox();
  // Hover: every visible chart shows its values at the cursor.
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForTimeout(100);
  assert.match(await page.locator('[data-pc-index=\"0\"] figure.chart .readout').nth(1).textContent(), /\d\d:\d\d:\d\d\.\d{3}/);
  // Drag-select a third of the plot.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(100);
  const zoomed = await span();
  assert.ok(zoomed < full * 0.5 && zoomed > full * 0.15, `drag zoom: ${full} -> ${zoomed}`);
  await page.click('.rv-zoom-out');
  assert.ok(await span() > zoomed);
  await page.click('.rv-reset');
  assert.equal(await span(), full);
  // Swimlane segments follow the range: zoom into the start, the first
  // segment widens.
  const width = () => page.$eval('[data-pc-index=\"0\"] .lane .seg', (s) => s.getBoundingClientRect().width);
  const before = await width();
  for (let i = 0; i < 6; i++) await page.click('.rv-zoom-in');
  await page.click('.rv-reset');
  assert.equal(await width(), before);
  // Clicking a log row marks its time and shows the full value.
  await page.click('[data-pc-index=\"0\"] details.panel >> text=/^Event log/');
  const row = page.locator('[data-pc-index=\"0\"] tbody tr[tabindex]', { hasText: 'setRemoteDescription' }).first();
  await row.click();
  assert.match(await page.locator('[data-pc-index=\"0\"] tr.full pre').first().textContent(), /^type: answer\nv=0/);
  await page.close();
});

test('event log filter and failures', async () => {
  const { page } = await openPage();
  // A log with failures opens by itself.
  assert.equal(await page.$eval('.client details.panel', (d) => d.open), true);
  const visible = () => page.locator('.client tbody tr[tabindex]:visible').count();
  assert.equal(await visible(), 5);
  await page.check('.client .filters input[type=checkbox]');
  assert.equal(await visible(), 1);
  assert.match(await page.locator('.client tbody tr[tabindex]:visible').textContent(), /getUserMediaOnFailure/);
  await page.uncheck('.client .filters input[type=checkbox]');
  await page.fill('.client .filters input[type=search]', 'onsuccess');
  assert.equal(await visible(), 1);
  await page.close();
});

test('opens a file offline: nothing of the dump leaves the page', async () => {
  const { page, problems } = await openPage();
  const requests = [];
  page.on('request', (r) => requests.push(r));
  await dropFile(page, 'call.rtcstats', readFileSync(FIXTURES + 'rtcstats/v3-compressed-handmade.rtcstats'));
  assert.match(await page.textContent('.rv-session'), /Peer connection PC_0/);
  // (A stream table is computed when it comes near the screen.)
  await page.locator('.rv-streams').scrollIntoViewIfNeeded();
  await page.waitForSelector('.rv-streams table');
  assert.match(await page.textContent('.rv-streams'), /64 avg/);
  await page.locator('figure.chart').first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  // The only requests: the import worker loading the viewer's own code
  // (its module, the loader.js it shares with the page, the wasm glue and
  // module; GET, same origin, no body). Nothing else, nothing with data.
  for (const r of requests) {
    assert.equal(r.method(), 'GET', r.url());
    assert.equal(r.postData(), null, r.url());
    assert.match(r.url(), new RegExp(`^${base.replace(/[.]/g, '\\.')}(worker\\.js|loader\\.js|pkg/rtcview\\.js|pkg/rtcview_bg\\.wasm)$`), r.url());
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a damaged dump shows what was read and says where it broke', async () => {
  const { page } = await openPage();
  const bytes = readFileSync(FIXTURES + 'rtcstats/v3-compressed-handmade.rtcstats');
  await dropFile(page, 'damaged.rtcstats', bytes.subarray(0, bytes.length - 100));
  const text = await page.textContent('.rv-session');
  assert.match(text, /Import notes/);
  assert.match(text, /truncated at line 22: showing what was read/);
  assert.match(text, /Peer connection PC_0/);
  await page.screenshot({ path: OUT + 'damaged.png' });
  await page.close();
});

test('not a dump: a visible error with its kind', async () => {
  const { page } = await openPage();
  await dropFile(page, 'notes.txt', Buffer.from('meeting notes, not a dump'));
  assert.equal(await page.isVisible('#error'), true);
  assert.match(await page.textContent('#error'), /^unrecognized: not a WebRTC dump/);
  await page.close();
});

test('parsing starts with the first bytes: a non-dump is refused before the rest arrives', async () => {
  // 64 KB of text, then the server stalls: the old read-everything-first
  // worker waited for the whole body; the streaming import refuses at once.
  let stalled;
  const slow = await serve(DIST, 0, () => {}, {
    '/slow.txt': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(64 << 20) });
      res.write(Buffer.alloc(64 << 10, 'minutes of the meeting, not a dump. '));
      stalled = res;
    },
  });
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(`http://127.0.0.1:${slow.address().port}/?url=slow.txt`);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Could not'), null, { timeout: 15000 });
  assert.match(await page.textContent('#error'), /^unrecognized: not a WebRTC dump/);
  assert.ok(Date.now() - t0 < 15000);
  stalled?.destroy();
  await page.close();
  slow.close();
});

test('?url= loads a dump; a failing URL says so', async () => {
  const { page } = await openPage('?url=sample/session.rtcstats.gz');
  assert.match(await page.textContent('#status'), /^Opened sample\/session/);
  await page.goto(base + '#url=missing.json');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Could not'));
  assert.match(await page.textContent('#error'), /^fetch_failed: could not fetch missing\.json \(HTTP 404\)/);
  await page.close();
});

test('dump contents are text: markup in URLs, SDP, labels and ids never runs', async () => {
  const { page } = await openPage();
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  const evil = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>';
  const lines = [
    'RTCStatsDump',
    JSON.stringify({ fileFormat: 3, userAgent: evil, url: evil }),
    JSON.stringify(['create', 'PC_' + evil, { iceServers: [{ urls: 'turn:' + evil }] }, evil, 1700000000000]),
    JSON.stringify(['navigator.mediaDevices.getUserMedia', null, { audio: true }, 'g1', 1]),
    JSON.stringify(['navigator.mediaDevices.getUserMediaOnSuccess', null, [['audio', 't1', evil, 's1']], 'g1', 1]),
    JSON.stringify(['setRemoteDescription', 'PC_' + evil, { type: 'offer', sdp: `v=0\r\nm=audio 9 RTP 111\r\na=mid:${evil}\r\na=rtpmap:111 ${evil}\r\n` }, 1]),
    JSON.stringify(['onconnectionstatechange', 'PC_' + evil, evil, 1]),
    JSON.stringify(['getStats', 'PC_' + evil, { [evil]: { type: 'inbound-rtp', kind: 'audio', ssrc: 1, bytesReceived: 0, packetsReceived: 0, timestamp: 1700000001000, codecId: evil } }, 1000]),
    JSON.stringify(['getStats', 'PC_' + evil, { [evil]: { type: 'inbound-rtp', kind: 'audio', ssrc: 1, bytesReceived: 1000, packetsReceived: 10, timestamp: 1700000002000, codecId: evil } }, 1000]),
  ];
  await dropFile(page, 'evil.rtcstats', Buffer.from(lines.join('\n')));
  await page.click('.rv-raw');
  for (const d of await page.locator('details').all()) await d.evaluate((e) => { e.open = true; });
  for (const f of await page.locator('figure.chart').all()) await f.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(dialogs, 0);
  assert.equal(await page.locator('.rv-session img, .rv-session script').count(), 0);
  const text = await page.textContent('.rv-session');
  assert.ok(text.includes('<img src=x onerror='), 'the markup is shown as text');
  assert.ok(text.includes('<script>window.__xss=2</script>'));
  await page.screenshot({ path: OUT + 'xss.png' });
  await page.close();
});

test('real dumps of each family open', { skip: !existsSync(DUMPS) && 'shared dumps absent' }, async () => {
  const { page } = await openPage();
  const cases = [
    ['internals-chrome144-2pc.txt', /Peer connection 92-1/, 2],
    ['internals-chrome86-2pc.json', /Peer connection 18084-8/, 2],
    ['rtcstats-v3-chromenative-chrome144-2pc.txt', /Peer connection 94-1/, 2],
    ['jitsi-chromelegacy-sfu.jsonl', /Peer connection PC_1/, 2],
    ['jitsi-firefox-sfu.jsonl', /Peer connection PC_0/, 1],
    ['rtcstats-v0-json-chrome48-legacy.json', /Peer connection PC_0/, 2],
    ['internals-chrome142-gumonly.gz', /getUserMedia/, 0],
  ];
  for (const [name, want, pcs] of cases) {
    await dropFile(page, name, readFileSync(DUMPS + name));
    assert.equal(await page.textContent('#status'), `Opened ${name}.`);
    assert.match(await page.textContent('.rv-session'), want, name);
    assert.equal(await page.locator('section.pc').count(), pcs, `${name}: peer connections`);
    if (pcs) assert.equal(await page.locator('section.pc').first().locator('.lane').count(), 4, `${name}: swimlanes`);
    if (!name.includes('gumonly')) assert.ok(await page.locator('figure.chart').count() > 0, `${name}: charts`);
    if (name.includes('chrome86')) await page.screenshot({ path: OUT + 'internals-m86.png', fullPage: true });
  }
  await page.close();
});

/** A Chrome-written rtcstats dump of `polls` full getStats lines (~1.4 KB each). */
function bigDump(polls) {
  const lines = ['RTCStatsDump', '{"fileFormat":3}', JSON.stringify(['create', '1-1', { iceServers: [] }, 'https://example.test/', 1700000000000])];
  for (let k = 0; k < polls; k++) {
    const t = 1700000000000 + 1000 * (k + 1);
    const report = {};
    for (let s = 0; s < 8; s++) {
      report[`OT01V${s}`] = { id: `OT01V${s}`, type: 'outbound-rtp', kind: 'video', ssrc: 1000 + s, timestamp: t, bytesSent: k * 125000, packetsSent: k * 100,
        framesEncoded: k * 30, framesPerSecond: 30, frameWidth: 1280, frameHeight: 720, qualityLimitationReason: k % 50 < 5 ? 'bandwidth' : 'none' };
    }
    lines.push(JSON.stringify(['getStats', '1-1', report, 1000]));
  }
  return Buffer.from(lines.join('\n'));
}

test('a big dump imports in the worker: the page keeps painting; a new file cancels it', async () => {
  const { page } = await openPage();
  const big = bigDump(10000); // ~21 MB (Playwright caps in-memory files at 50 MB)
  // Count animation frames while the worker imports.
  await page.evaluate(() => {
    window.__frames = 0;
    const tick = () => { if (/^(Reading|Building)/.test(document.getElementById('status').textContent)) window.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.setInputFiles('#file', { name: 'big.rtcstats', mimeType: 'application/octet-stream', buffer: big });
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Opened big.rtcstats.', null, { timeout: 60000 });
  const frames = await page.evaluate(() => window.__frames);
  assert.ok(frames >= 3, `only ${frames} frames painted while importing ${(big.length / 1e6).toFixed(0)} MB`);
  assert.match(await page.textContent('.rv-session'), /Peer connection 1-1/);
  // Start the big one again, then drop a small file at once: the small one wins.
  await page.setInputFiles('#file', { name: 'big2.rtcstats', mimeType: 'application/octet-stream', buffer: big });
  await page.setInputFiles('#file', { name: 'call.rtcstats', mimeType: 'application/octet-stream', buffer: readFileSync(FIXTURES + 'rtcstats/v3-compressed-handmade.rtcstats') });
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Opened call.rtcstats.');
  await page.waitForTimeout(1500);
  assert.equal(await page.textContent('#status'), 'Opened call.rtcstats.', 'the cancelled load must not replace the new one');
  await page.close();
});

test('works from a sub-path under a strict CSP header, nothing from another origin', async () => {
  const { mkdirSync, symlinkSync, rmSync } = await import('node:fs');
  const root = new URL('../../target/subpath/', import.meta.url).pathname;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(`${root}tools/rtcview`, { recursive: true });
  symlinkSync(DIST, `${root}tools/rtcview/v1`);
  const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'";
  const sub = await serve(root, 0, () => {}, {}, { 'content-security-policy': csp });
  const origin = `http://127.0.0.1:${sub.address().port}`;
  const page = await browser.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${origin}/tools/rtcview/v1/`);
  await page.waitForFunction(() => /^(Opened|Could not)/.test(document.getElementById('status').textContent));
  assert.equal(await page.textContent('#status'), 'Opened the sample session.');
  await page.locator('figure.chart').first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  assert.ok(await inked(page, 'figure.chart canvas') > 500);
  assert.deepEqual(problems, []);
  for (const r of requests) assert.ok(r.startsWith(`${origin}/tools/rtcview/v1/`), `request outside the sub-path: ${r}`);
  await page.close();
  sub.close();
});

test('too large: refused with the numbers before being read', async () => {
  const { page } = await openPage();
  // A sparse 1.5 GB file: the size check must come before reading it.
  const { openSync, ftruncateSync, closeSync, mkdirSync: mk } = await import('node:fs');
  const dir = new URL('../../target/e2e/', import.meta.url).pathname;
  mk(dir, { recursive: true });
  const path = `${dir}huge.rtcstats`;
  const fd = openSync(path, 'w');
  ftruncateSync(fd, 1.5 * 1024 ** 3);
  closeSync(fd);
  await page.setInputFiles('#file', path);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Could not open this file.');
  assert.match(await page.textContent('#error'), /^too_large: too large \(1536\.0 MB; limit 1024 MB\)/);
  (await import('node:fs')).rmSync(path);
  await page.close();
});

test('findings first: the verdict on a lossy call, a finding opens its range, charts and evidence', async () => {
  const { page, problems } = await openPage();
  const bytes = readFileSync(FIXTURES + 'scenarios/uplink-loss-5pct/b.internals.txt.gz');
  const schedule = JSON.parse(readFileSync(FIXTURES + 'scenarios/uplink-loss-5pct/schedule.json', 'utf8'));
  const loss = schedule.injections.find((i) => i.id === 'loss');
  await dropFile(page, 'b.internals.txt.gz', bytes);
  // The panel comes before anything else of the session, as text.
  const first = await page.$eval('.rv-session', (s) => s.firstElementChild.getAttribute('aria-label'));
  assert.equal(first, 'Findings');
  const panel = page.locator('section.findings');
  assert.match(await panel.textContent(), /problems?: .*minor/);
  assert.match(await panel.locator('.score-num').textContent(), /^\d+$/);
  // Keyboard: a finding is a focusable button; Enter opens it.
    // The finding whose own head names the kind (another's body may name it as a cause).
  const item = panel.locator('li.finding').filter({ has: page.locator('button.finding-head', { hasText: 'inbound-loss' }) }).first();
  const head = item.locator('button.finding-head');
  await head.focus();
  await page.keyboard.press('Enter');
  assert.equal(await head.getAttribute('aria-expanded'), 'true');
      assert.match(await item.getAttribute('class'), /\bopen\b/);
  const body = item.locator('.finding-body');
  assert.match(await body.textContent(), /packetsLost/);
  // The time axis now covers the injection; its range is shaded on the lanes;
  // the loss chart of the stream is outlined and in view.
  const range = await page.textContent('.rv-range');
  const [a, b] = range.match(/\d\d:\d\d:\d\d/g);
  const hms = (ms) => new Date(ms).toISOString().slice(11, 19);
  assert.ok(a <= hms(loss.startMs) && b >= hms(loss.endMs), `${range} covers ${hms(loss.startMs)}-${hms(loss.endMs)}`);
  assert.ok(await page.locator('.lane-highlight:not([hidden])').count() >= 4);
  const lit = page.locator('figure.chart.highlighted');
  assert.ok(await lit.count() >= 1);
  assert.equal(await lit.first().getAttribute('data-metric'), 'loss');
  assert.ok(await lit.first().isVisible());
  // The ledger says where the points went.
  await panel.locator('details.ledger > summary').click();
  assert.match(await panel.locator('details.ledger').textContent(), /audio-concealment|inbound-loss/);
  assert.deepEqual(problems, []);
  await page.screenshot({ path: OUT + 'findings.png' });
  await page.close();
});

test('a clean call says so, and says what was checked', async () => {
  const { page, problems } = await openPage();
  await dropFile(page, 'a.rtcstats-chrome.gz', readFileSync(FIXTURES + 'scenarios/clean/a.rtcstats-chrome.gz'));
  const panel = page.locator('section.findings');
  assert.match(await panel.locator('.verdict').textContent(), /No problem found: \d+ rules checked/);
  await panel.locator('details.checks > summary').click();
  assert.match(await panel.locator('details.checks').textContent(), /inbound-loss.*packetsLost/s);
  assert.deepEqual(problems, []);
  await page.close();
});

// ---------- Issue 13: the viewer as a support agent uses it ----------

const span = async (page) => Number((await page.textContent('.rv-range')).match(/\(([\d.]+) s\)/)[1]);

test('a call that never connected opens on its failure: outcome on buttons and headings, failures only, STUN checks', async () => {
  const { page, problems } = await openPage();
  await dropFile(page, 'a.internals.txt.gz', readFileSync(FIXTURES + 'scenarios/never-connected/a.internals.txt.gz'));
  // The connection's `failed` comes after the last stats sample: the
  // opening view, and Reset, include it.
  const failedSeg = page.locator('section.pc .lane .seg.st-failed').first();
  const shown = () => failedSeg.evaluate((s) => !s.hidden && s.getBoundingClientRect().width > 0);
  assert.equal(await shown(), true, 'failed state on screen at opening');
  for (let i = 0; i < 3; i++) await page.click('.rv-zoom-in');
  await page.click('.rv-reset');
  assert.equal(await shown(), true, 'failed state on screen after Reset');
  // The outcome, coloured, on the heading and in the first screen's table.
  const badge = page.locator('section.pc h2 .outcome');
  assert.match(await badge.getAttribute('class'), /outcome-failed/);
  assert.match(await badge.textContent(), /^failed · never connected, tried \d+\.\d s$/);
  assert.match(await page.textContent('section.glance'), /failed · never connected/);
  assert.match(await page.textContent('section.pc h2'), /made the offer \(caller\)/);
  // "failures only" keeps the failed states.
  const log = page.locator('section.pc details.panel', { hasText: /^Event log/ });
  assert.equal(await log.evaluate((d) => d.open), true, 'a log with failures opens by itself');
  await log.locator('.filters input[type=checkbox]').check();
  const kept = await log.locator('tbody tr:visible').allTextContents();
  assert.ok(kept.some((t) => /onconnectionstatechange\s*failed/.test(t)), kept.join(' | '));
  assert.ok(kept.some((t) => /oniceconnectionstatechange\s*disconnected/.test(t)), kept.join(' | '));
  // ICE pairs: the STUN checks each way.
  const ice = page.locator('section.pc details.panel', { hasText: /^ICE candidate pairs/ });
  await ice.evaluate((d) => { d.open = true; });
  assert.match(await ice.locator('thead').textContent(), /STUN checks/);
  assert.match(await ice.locator('tbody').textContent(), /[1-9]\d* sent \/ 0 answered/);
  assert.deepEqual(problems, []);
  await page.screenshot({ path: OUT + 'never-connected.png' });
  await page.close();
});

test('the stream table follows the visible range, with the worst 10 s and ranges of values; the first screen shows the worst connection', async () => {
  const { page, problems } = await openPage();
  await dropFile(page, 'b.internals.txt.gz', readFileSync(FIXTURES + 'scenarios/uplink-loss-5pct/b.internals.txt.gz'));
  // Above the fold, no click: the verdict, the connections and a chart.
  const fold = 900;
  assert.ok((await page.locator('section.glance').boundingBox()).y < fold, 'connections table above the fold');
  assert.match(await page.textContent('.key-chart h3'), /^The worst connection: /);
  const keyCanvas = page.locator('.key-chart canvas');
  await page.waitForTimeout(200);
  assert.ok(await inked(page, '.key-chart canvas') > 100, 'the key chart is drawn');
  assert.equal(await keyCanvas.evaluate((c) => c.closest('figure').dataset.metric), 'loss');
  const lossCell = async () => (await page.locator('.rv-streams tbody tr', { hasText: 'inbound audio' }).locator('td').nth(3).textContent());
  // Off screen, the table waits; scrolled to, it is computed.
  assert.equal(await page.locator('.rv-streams table').count(), 0, 'not computed while far off screen');
  await page.locator('.rv-streams').scrollIntoViewIfNeeded();
  await page.waitForSelector('.rv-streams table');
  const whole = await lossCell();
  const caption0 = await page.textContent('.rv-streams caption');
  // Whole call: the mean, and a worse 10 s window beside it.
  const [mean0, worst0] = whole.match(/[\d.]+/g).map(Number);
  assert.match(whole, /worst 10 s/);
  assert.ok(worst0 > mean0, whole);
  // Open the inbound-loss finding: the range narrows around the loss phase
  // and the table follows it (and says so): a higher mean than the call's.
  const item = page.locator('li.finding').filter({ has: page.locator('button.finding-head', { hasText: 'inbound-loss' }) }).first();
  await item.locator('button.finding-head').click();
  // (Tables off screen are recomputed when they come into view.)
  await page.locator('.rv-streams').scrollIntoViewIfNeeded();
  await page.waitForFunction((c) => document.querySelector('.rv-streams caption')?.textContent !== c, caption0);
  const zoomed = await lossCell();
  assert.ok(Number(zoomed.match(/[\d.]+/)[0]) > mean0 * 1.2, `${whole} -> ${zoomed}`);
  assert.match(await page.textContent('.rv-streams caption'), /^Streams over \d\d:\d\d:\d\d\.\d{3} – /);
  assert.deepEqual(problems, []);
  await page.screenshot({ path: OUT + 'first-screen.png' });
  await page.close();
});

test('keys work from anywhere but inputs; charts take focus; the event log is one tab stop', async () => {
  const { page } = await openPage();
  const full = await span(page);
  // Nothing focused: the shortcuts still work.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('+');
  assert.ok(Math.abs(await span(page) - full / 2) < 0.2, 'zoomed from the body');
  // Not while typing in the log's filter box.
  await page.click('.client .filters input[type=search]');
  await page.keyboard.press('-');
  assert.ok(Math.abs(await span(page) - full / 2) < 0.2, 'typing a minus does not zoom');
  await page.fill('.client .filters input[type=search]', '');
  // A chart takes focus, and keys work from it.
  const canvas = page.locator('figure.chart canvas').first();
  assert.equal(await canvas.getAttribute('tabindex'), '0');
  await canvas.focus();
  await page.keyboard.press('0');
  assert.equal(await span(page), full);
  // Every log is one tab stop; the arrows move inside it.
  for (const body of await page.locator('.rv-root details.panel tbody').all()) {
    if (!(await body.locator('tr[tabindex]').count())) continue;
    assert.equal(await body.locator('tr[tabindex="0"]').count(), 1);
  }
  const rows = page.locator('.client tbody tr[tabindex]');
  await rows.first().focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.rowIndex), await rows.nth(1).evaluate((r) => r.rowIndex));
  assert.equal(await rows.nth(1).getAttribute('tabindex'), '0');
  assert.equal(await rows.first().getAttribute('tabindex'), '-1');
  await page.close();
});

test('a log row outside the view pans to it; a failed load clears the old session; the toolbar never covers a heading', async () => {
  const { page } = await openPage();
  const hms = async () => (await page.textContent('.rv-range')).match(/\d\d:\d\d:\d\d\.\d{3}/g);
  // Zoom in on the end of the call, then click the log's first row.
  for (let i = 0; i < 5; i++) await page.click('.rv-zoom-in');
  for (let i = 0; i < 40; i++) await page.click('.rv-pan-right');
  const log = page.locator('[data-pc-index="0"] details.panel', { hasText: /^Event log/ });
  await log.locator('summary').click();
  const row = log.locator('tbody tr[tabindex]').first();
  const t = (await row.locator('td.time').textContent()).trim();
  const [a0] = await hms();
  assert.ok(t < a0, `${t} starts before the view ${a0}`);
  await row.click();
  const [a, b] = await hms();
  assert.ok(a <= t && t <= b, `${t} in ${a}–${b}`);
  // The connection buttons carry the outcome; jumping to a connection
  // puts its heading below the sticky toolbar.
  assert.match(await page.locator('.pcnav button').nth(1).getAttribute('class'), /outcome-connected/);
  assert.match(await page.locator('.pcnav button').nth(1).textContent(), /^PC_1 connected · [\d.]+ s up$/);
  await page.locator('.pcnav button').nth(1).click();
  await page.waitForTimeout(100);
  const barBottom = (await page.locator('.rv-toolbar').boundingBox()).y + (await page.locator('.rv-toolbar').boundingBox()).height;
  const heading = await page.locator('[data-pc-index="1"] h2').boundingBox();
  assert.ok(heading.y >= barBottom - 1, `heading at ${heading.y}, toolbar ends at ${barBottom}`);
  // A failed load leaves nothing of the previous file.
  await dropFile(page, 'notes.txt', Buffer.from('hello, this is not a dump'));
  assert.equal(await page.locator('.rv-toolbar').isVisible(), false);
  assert.equal(await page.locator('.rv-session').evaluate((s) => s.childElementCount), 0);
  await page.close();
});

test('dark theme: text on every state colour and badge reaches WCAG AA', async () => {
  const { page } = await openPage();
  await dropFile(page, 'a.internals.txt.gz', readFileSync(FIXTURES + 'scenarios/never-connected/a.internals.txt.gz'));
  await page.selectOption('.rv-theme', 'dark');
  const worst = await page.evaluate(() => {
    const rgb = (s) => s.match(/[\d.]+/g).slice(0, 4).map(Number);
    const lum = ([r, g, b]) => {
      const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bg = (e) => {
      for (let x = e; x; x = x.parentElement) {
        const c = rgb(getComputedStyle(x).backgroundColor);
        if (c.length < 4 || c[3] > 0.5) return c;
      }
      return [255, 255, 255];
    };
    const out = [];
    for (const e of document.querySelectorAll('.rv-root .seg, .rv-root .lane-name, .rv-root .outcome, .rv-root .sev, .rv-root .pc-hints, .rv-root .untimed, .rv-root th, .rv-root .muted')) {
      if (!e.textContent.trim() || !e.getClientRects().length) continue;
      const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
      out.push({ text: e.textContent.slice(0, 30), cls: e.className, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
    }
    return out.sort((x, y) => x.ratio - y.ratio).slice(0, 3);
  });
  assert.ok(worst.length > 0);
  assert.ok(worst[0].ratio >= 4.5, JSON.stringify(worst));
  await page.screenshot({ path: OUT + 'dark.png' });
  await page.close();
});

test('a truncated Chrome 156 dump names no era; time can read since the start', async () => {
  const { page } = await openPage();
  const { gunzipSync } = await import('node:zlib');
  const whole = gunzipSync(readFileSync(FIXTURES + 'scenarios/clean/a.internals.txt.gz'));
  await dropFile(page, 'cut.json', whole.subarray(0, Math.floor(whole.length * 0.6)));
  const notes = await page.textContent('section.overview');
  assert.match(notes, /truncated at line/);
  assert.match(notes, /no per-sample -timestamp series \(the file is damaged/);
  assert.doesNotMatch(notes, /before M117/);
  await page.selectOption('.rv-clock', 'relative');
  assert.match(await page.textContent('.rv-range'), /^\+0:00\.000 – \+\d+:\d\d\.\d{3} since start/);
  await page.close();
});

test('shift-drag and the middle button pan; the minimap moves the view; events are ticks on every chart', async () => {
  const { page, problems } = await openPage();
  const start = async () => (await page.textContent('.rv-range')).match(/\d\d:\d\d:\d\d\.\d{3}/)[0];
  const opening = await start();
  for (let i = 0; i < 2; i++) await page.click('.rv-zoom-in');
  const zoomedStart = await start();
  const width = await span(page);
  // Shift+drag to the left: later times come into view, the span stays.
  const canvas = page.locator('[data-pc-index="0"] figure.chart canvas').first();
  await canvas.scrollIntoViewIfNeeded();
  await page.waitForTimeout(150);
  const box = await canvas.boundingBox();
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  assert.ok((await start()) > zoomedStart, `${zoomedStart} -> ${await start()}`);
  assert.ok(Math.abs(await span(page) - width) < 0.2, 'panning keeps the span');
  // The middle button pans too.
  const before = await start();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down({ button: 'middle' });
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up({ button: 'middle' });
  assert.ok((await start()) < before, `${before} -> ${await start()}`);
  // The minimap: its window is a quarter of the strip; a click at its left
  // end brings the view back to the call's start.
  const strip = await page.locator('.rv-minimap').boundingBox();
  const win = await page.locator('.rv-minimap-window').boundingBox();
  assert.ok(Math.abs(win.width / strip.width - 0.25) < 0.03, `window ${win.width} of ${strip.width}`);
  await page.mouse.click(strip.x + 2, strip.y + strip.height / 2);
  assert.equal(await start(), opening);
  // Ticks: the connection's state changes and descriptions, named on hover.
  const ticks = page.locator('[data-pc-index="0"] figure.chart .tick:not([hidden])');
  // Ticks are placed in the frame after the redraw the click asked for.
  await ticks.first().waitFor({ timeout: 5000 });
  assert.ok(await ticks.count() > 0);
  const titles = await ticks.evaluateAll((t) => t.map((x) => x.title));
  assert.ok(titles.some((t) => /setRemoteDescription|onconnectionstatechange/.test(t)), titles.join(' | '));
  assert.deepEqual(problems, []);
  await page.close();
});

test('hostile sizes: 10⁵ connections open at the cap, lazily and responsive; nesting 10⁴ deep shows what was read and says why', async () => {
  const { page, problems } = await openPage();
  // 10⁵ connections, each with a state and a few polls (v3: times are deltas).
  const lines = ['RTCStatsDump', '{"fileFormat":3}'];
  for (let i = 0; i < 100000; i++) {
    lines.push(JSON.stringify(['connectionstatechange', `PC_${i}`, 'connected', i === 0 ? 1700000000000 : 1]));
    if (i < 1000) lines.push(JSON.stringify(['getStats', `PC_${i}`, { O1: { type: 'outbound-rtp', kind: 'audio', ssrc: i, bytesSent: 1000 } }, 1]));
  }
  const t0 = Date.now();
  await dropFile(page, 'many.rtcstats', lines.join('\n') + '\n');
  assert.equal(await page.textContent('#status'), 'Opened many.rtcstats.');
  assert.ok(Date.now() - t0 < 30000, `${Date.now() - t0} ms`);
  assert.equal(await page.locator('section.pc').count(), 1000);
  assert.match(await page.textContent('.rv-session'), /more than 1000 peer connections/);
  // Only the first screens are built; a jump builds its target.
  const built = await page.locator('section.pc .charts').count();
  assert.ok(built > 0 && built <= 20, `${built} sections built`);
  await page.locator('section.pc').nth(900).evaluate((s) => s.scrollIntoView());
  await page.locator('section.pc').nth(900).locator('.charts').waitFor({ timeout: 5000 });
  // Responsive: a frame within a second of asking.
  const frame = await page.evaluate(() => new Promise((r) => { const a = performance.now(); requestAnimationFrame(() => r(performance.now() - a)); }));
  assert.ok(frame < 1000, `${frame} ms to a frame`);
  // A webrtc-internals document nested 10⁴ deep: what was read before the
  // damage, and a diagnostic that says so, quickly.
  const deep = '{"PeerConnections": {"a": ' + '['.repeat(10000) + '1,'.repeat(100000);
  const t1 = Date.now();
  await dropFile(page, 'deep.json', deep);
  assert.ok(Date.now() - t1 < 15000);
  assert.equal(await page.textContent('#status'), 'Opened deep.json.');
  assert.match(await page.textContent('.rv-session'), /recursion limit exceeded/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a gzip bomb (1 MB that decodes past 1 GB) stops at the limit with a clear error', async () => {
  const { page, problems } = await openPage();
  // Concatenated gzip members: a header, then 64 MB of blank lines, 17 times.
  const { gzipSync } = await import('node:zlib');
  const blank = gzipSync(Buffer.alloc(64 << 20, 10), { level: 9 });
  const bomb = Buffer.concat([gzipSync('RTCStatsDump\n{"fileFormat":3}\n'), ...Array(17).fill(blank)]);
  assert.ok(bomb.length < 2 << 20, `${bomb.length} bytes`);
  const t0 = Date.now();
  await dropFile(page, 'bomb.rtcstats.gz', bomb);
  assert.ok(Date.now() - t0 < 60000, `${Date.now() - t0} ms`);
  assert.equal(await page.textContent('#status'), 'Could not open this file.');
  assert.match(await page.textContent('#error'), /too large|larger than|1 GB|1024 MB/i);
  // "Share…" → "Redacted copy" of the same bomb stops at the same limit.
  await page.click('#tools');
  await page.locator('dialog.rv-tools button[data-op="redact"]').click();
  await page.waitForFunction(() => /^Could not/.test(document.querySelector('.rv-tools-status').textContent), null, { timeout: 60000 });
  assert.match(await page.textContent('.rv-tools-status'), /too_large/);
  await page.keyboard.press('Escape');
  // Still responsive: the next file opens.
  await dropFile(page, 'call.rtcstats', readFileSync(FIXTURES + 'rtcstats/v3-compressed-handmade.rtcstats'));
  assert.equal(await page.textContent('#status'), 'Opened call.rtcstats.');
  // The tools work again after a failed job (a fresh worker).
  await page.click('#tools');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('dialog.rv-tools button[data-op="summary"]').click()]);
  assert.equal(JSON.parse(readFileSync(await dl.path(), 'utf8')).schema, 'rtcview-summary/1');
  await page.keyboard.press('Escape');
  assert.deepEqual(problems.filter((p) => !/too large/i.test(p)), []);
  await page.close();
});


test('deep links: the view state lives in the fragment and survives a reload; never data', async () => {
  const { page, problems } = await openPage();
  for (let i = 0; i < 2; i++) await page.click('.rv-zoom-in');
  await page.click('.rv-pan-right');
  await page.check('.rv-raw');
  await page.locator('[data-pc-index="1"] details.panel[data-panel="sdp"] > summary').click();
  const findings = page.locator('.findings button.finding-head');
  const hasFinding = (await findings.count()) > 0;
  // Open a finding, then move the range again (the range is the link's).
  if (hasFinding) await findings.first().click();
  await page.click('.rv-zoom-in');
  await page.waitForFunction(() => /^\d+,\d+$/.test(new URLSearchParams(location.hash.slice(1)).get('t') ?? ''));
  await page.waitForTimeout(400);
  const range = await page.textContent('.rv-range');
  const link = await page.evaluate(() => location.href);
  const hash = new URLSearchParams(new URL(link).hash.slice(1));
  assert.equal(hash.get('raw'), '1');
  assert.ok(hash.get('open').split(',').includes('1.sdp'), hash.toString());
  assert.equal(hash.has('f'), hasFinding);
  assert.ok(!/candidate|192\.0\.2|sdp=|token/i.test(decodeURIComponent(new URL(link).hash)), 'no data in the link');
  // A fresh page on the link restores it.
  const again = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await again.goto(link);
  await again.waitForFunction(() => /^Opened/.test(document.getElementById('status').textContent));
  // The same range (to the link's whole milliseconds).
  const coarse = (r) => r.replace(/\.\d{3}/g, '');
  await again.waitForFunction((r) => document.querySelector('.rv-range')?.textContent.replace(/\.\d{3}/g, '') === r, coarse(range), { timeout: 5000 })
    .catch(async () => assert.fail(`${await again.textContent('.rv-range')} is not ${range}`));
  assert.equal(await again.isChecked('.rv-raw'), true);
  assert.equal(await again.locator('[data-pc-index="1"] details.panel[data-panel="sdp"]').getAttribute('open'), '');
  if (hasFinding) assert.equal(await again.locator('.findings button.finding-head[aria-expanded="true"]').count(), 1);
  assert.deepEqual(problems, []);
  await again.close();
  await page.close();
});

test('a webrtc-internals dump of 300 MB cut short opens on what was read, with the cut said', async () => {
  // Written to disk in pieces and given to the page as a file (streamed).
  const { mkdtempSync, openSync, writeSync, closeSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/rv-trunc-`);
  const path = `${dir}/cut.json`;
  const fd = openSync(path, 'w');
  writeSync(fd, '{"getUserMedia": [], "PeerConnections": {"1-1": {"pid": 1, "url": "https://example.test/", "rtcConfiguration": "{}", "updateLog": [], "stats": {');
  const values = `"[${Array.from({ length: 1000 }, (_, i) => i).join(',')}]"`;
  let written = 0;
  for (let s = 0; written < 300e6; s++) {
    const chunk = Array.from({ length: 100 }, (_, k) => `"S${s}_${k}-bytesSent": {"startTime": "2026-01-01T00:00:00.000Z", "endTime": "2026-01-01T00:16:39.000Z", "statsType": "outbound-rtp", "values": ${values}}`).join(', ') + ', ';
    writeSync(fd, chunk);
    written += chunk.length;
  }
  writeSync(fd, '"cut-bytesSent": {"startTime": "2026-01-01T00:00:00.000Z", "values": "[1,2,'); // and the file ends
  closeSync(fd);
  const { page, problems } = await openPage();
  const t0 = Date.now();
  await page.setInputFiles('#file', path);
  await page.waitForFunction(() => /^(Opened cut\.json|Could not open)/.test(document.getElementById('status').textContent), null, { timeout: 120000 });
  rmSync(dir, { recursive: true });
  assert.equal(await page.textContent('#status'), 'Opened cut.json.');
  assert.match(await page.textContent('.rv-session'), /truncated at line \d+: showing what was read/);
  assert.equal(await page.locator('section.pc').count(), 1);
  console.log(`  300 MB cut internals dump opened in ${Date.now() - t0} ms`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('chart exports: PNG at the device pixel ratio, SVG by plotters, CSV of the visible samples with units, a table twin', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2, acceptDownloads: true });
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(base);
  await page.waitForFunction(() => /^Opened/.test(document.getElementById('status').textContent));
  await page.click('.rv-zoom-in');
  const fig = page.locator('[data-pc-index="0"] figure.chart').first();
  await fig.scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  const save = async (what) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), fig.locator(`button[data-export="${what}"]`).click()]);
    return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
  };
  const png = await save('png');
  assert.match(png.name, /^rtcview-.*\.png$/);
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
  const canvas = await fig.locator('canvas').evaluate((c) => [c.width, c.height, c.clientWidth]);
  assert.deepEqual([w, h], canvas.slice(0, 2));
  assert.equal(w, canvas[2] * 2, 'drawn at the device pixel ratio');
  // SVG: drawn by plotters' SVG backend in the sharing tools' module, the
  // visible range at the chart's CSS size.
  const svg = await save('svg');
  assert.match(svg.name, /^rtcview-.*\.svg$/);
  const svgText = svg.bytes.toString('utf8');
  writeFileSync(OUT + 'chart.svg', svg.bytes);
  assert.match(svgText, /^<svg[^>]* width="(\d+)" height="150"/);
  assert.equal(Number(svgText.match(/width="(\d+)"/)[1]), canvas[2]);
  assert.ok((svgText.match(/<polyline/g) ?? []).length >= 1, 'the lines are drawn');
  // Two charts' SVGs asked for at once each get their own chart.
  const figs = page.locator('[data-pc-index="0"] figure.chart');
  const [d1, d2] = await Promise.all([
    page.waitForEvent('download', { predicate: (d) => /-jitter-.*\.svg$/.test(d.suggestedFilename()) }),
    page.waitForEvent('download', { predicate: (d) => /-rtt-.*\.svg$/.test(d.suggestedFilename()) }),
    (async () => {
      await figs.filter({ has: page.locator('.title', { hasText: /^Jitter$/ }) }).first().locator('button[data-export="svg"]').click();
      await figs.filter({ has: page.locator('.title', { hasText: /^Round-trip time$/ }) }).first().locator('button[data-export="svg"]').click();
    })(),
  ]);
  const unitOf = async (d) => readFileSync(await d.path(), 'utf8');
  assert.notEqual(await unitOf(d1), await unitOf(d2), 'each its own chart');
  const ticks = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('t'));
  assert.ok(ticks, 'a zoomed range');
  const csv = (await save('csv')).bytes.toString('utf8').trim().split('\r\n');
  const unit = await fig.locator('figcaption .unit').textContent().catch(() => '');
  assert.match(csv[0], /^time \(UTC\),unix ms,/);
  if (unit) assert.ok(csv[0].includes(`(${unit})`), csv[0]);
  assert.ok(csv.length > 2, 'samples in the visible range');
  for (const row of csv.slice(1)) {
    const [iso, ms, ...vals] = row.split(',');
    assert.ok(Math.abs(new Date(iso).getTime() - Number(ms)) < 1, row); // ISO holds whole ms
    assert.ok(vals.every((v) => v === '' || Number.isFinite(Number(v))), row);
  }
  // The rows are the visible range's: within the axis's range.
  const [a, b] = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('t')?.split(',').map(Number) ?? [0, Infinity]);
  assert.ok(csv.slice(1).every((r) => { const t = Number(r.split(',')[1]); return t >= a - 1 && t <= b + 1; }));
  await fig.locator('button[data-export="table"]').click();
  const table = fig.locator('table.chart-table');
  assert.equal(await table.count(), 1);
  assert.match(await table.locator('caption').textContent(), /samples/);
  assert.equal(await table.locator('thead th').first().textContent(), 'Time (UTC)');
  const rows = await table.locator('tbody tr').count();
  assert.ok(rows > 0 && rows <= 200 && rows <= csv.length - 1, `${rows} rows`);
  await fig.locator('button[data-export="table"]').click();
  assert.equal(await table.count(), 0, 'the toggle removes it');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a chart by keyboard: the cursor moves sample by sample, its values are announced, and the chart describes itself', async () => {
  const { page, problems } = await openPage();
  const canvas = page.locator('[data-pc-index="0"] figure.chart canvas').first();
  await canvas.scrollIntoViewIfNeeded();
  const range = await page.textContent('.rv-range');
  await canvas.focus();
  const desc = await canvas.getAttribute('aria-description');
  assert.match(desc, /mean .* from .* to /, desc);
  await page.keyboard.press('ArrowRight');
  const live = page.locator('.rv-live');
  const first = await live.textContent();
  assert.match(first, / at \d\d:\d\d:\d\d\.\d{3}: /, first);
  const at = (s) => s.match(/ at (\d\d:\d\d:\d\d\.\d{3})/)[1];
  await page.keyboard.press('ArrowRight');
  const second = await live.textContent();
  assert.ok(at(second) > at(first), `${first} -> ${second}`);
  await page.keyboard.press('Shift+ArrowRight');
  const third = await live.textContent();
  const secs = (s) => at(s).split(':').reduce((a, x) => a * 60 + Number(x), 0);
  assert.ok(secs(third) - secs(second) >= 5 * (secs(second) - secs(first)), `ten samples on: ${second} -> ${third}`);
  assert.equal(await page.textContent('.rv-range'), range, 'the arrows moved the cursor, not the view');
  await page.keyboard.press('+');
  assert.notEqual(await page.textContent('.rv-range'), range, '+ zooms around the cursor');
  await page.keyboard.press('Escape');
  // The readout is redrawn at the next animation frame: wait for it.
  await page.waitForFunction(() => document.querySelector('[data-pc-index="0"] figure.chart .readout').textContent === '', null, { timeout: 5000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('accessibility check (axe-core) on the sample session: no serious or critical violations, in both themes', async () => {
  const axe = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
  for (const theme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: theme });
    await page.goto(base);
    await page.waitForFunction(() => /^Opened/.test(document.getElementById('status').textContent));
    await page.waitForTimeout(300);
    // axe is evaluated through the DevTools protocol, which the page's CSP
    // does not govern (it forbids inline scripts, rightly).
    await page.evaluate(axe);
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad, [], `${theme}: ${JSON.stringify(bad, null, 1)}`);
    // The "Share…" dialog, open (modal: axe sees what is not inert).
    await page.click('#tools');
    await page.locator('dialog.rv-tools').waitFor({ state: 'visible' });
    const inDialog = await page.evaluate(async () => {
      const r = await window.axe.run(document.querySelector('dialog.rv-tools'), { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    const badInDialog = inDialog.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(badInDialog, [], `${theme}, sharing dialog: ${JSON.stringify(badInDialog, null, 1)}`);
    await page.close();
  }
});

test('the report (rtcview report) reads with JavaScript off and every request blocked: verdict, charts, log', async () => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/rv-report-`);
  const out = `${dir}/report.html`;
  execFileSync('cargo', ['run', '--quiet', '--bin', 'rtcview', '--', 'report', FIXTURES + 'scenarios/uplink-loss-5pct/a.rtcstats-page.gz', '-o', out], { stdio: 'inherit' });
  const html = readFileSync(out, 'utf8');
  rmSync(dir, { recursive: true });
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
  const requests = [];
  await context.route('**/*', (r) => { requests.push(r.request().url()); return r.abort(); });
  const page = await context.newPage();
  await page.setContent(html);
  assert.deepEqual(requests, [], 'the report asks for nothing');
  assert.match(await page.textContent('body'), /Outbound audio: the far end lost [\d.]+ % of its packets/);
  const charts = page.locator('figure svg');
  assert.ok(await charts.count() >= 2);
  const box = await charts.first().boundingBox();
  assert.ok(box.width >= 700 && box.height >= 150, JSON.stringify(box));
  assert.ok(await page.locator('figure svg polyline, figure svg path').count() > 0, 'lines are drawn');
  assert.match(await page.textContent('body'), /Event log: peer connection PC_0/);
  await page.screenshot({ path: `${OUT}report.png` });
  await context.close();
});

test('sharing tools: a redacted copy, the other format, the report and the summary, made in the page', async () => {
  const { gunzipSync } = await import('node:zlib');
  const { page, problems } = await openPage();
  const name = 'internals-chrome144-2pc.txt';
  const original = readFileSync(DUMPS + name);
  await dropFile(page, name, original);
  const connections = async () => [...new Set((await page.textContent('.rv-session')).match(/Peer connection \S+/g))].sort();
  const before = await connections();
  assert.equal(before.length, 2, before.join(' | '));
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.click('#tools');
  const dialog = page.locator('dialog.rv-tools');
  await dialog.waitFor({ state: 'visible' });
  const make = async (op) => {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), dialog.locator(`button[data-op="${op}"]`).click()]);
    await page.waitForFunction(() => /^Saved /.test(document.querySelector('.rv-tools-status').textContent));
    return { file: dl.suggestedFilename(), bytes: readFileSync(await dl.path()), status: await dialog.locator('.rv-tools-status').textContent() };
  };
  // Redacted: same format, no address of the input left (documentation
  // addresses aside), and it opens.
  const redacted = await make('redact');
  assert.equal(redacted.file, 'internals-chrome144-2pc.redacted.txt');
  assert.match(redacted.status, /\d+ addresses/);
  const text = redacted.bytes.toString('utf8');
  const doc = /^(192\.0\.2|198\.51\.100|203\.0\.113)\./;
  const addresses = [...new Set(original.toString('utf8').match(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g) ?? [])]
    .filter((a) => !doc.test(a) && a.split('.').every((o) => Number(o) < 256) && !/^0\.|\.0\.0$/.test(a));
  assert.ok(addresses.length > 0, 'the input has addresses');
  for (const a of addresses) assert.ok(!text.includes(a), `${a} survived`);
  assert.ok(JSON.parse(text).PeerConnections, 'still a webrtc-internals dump');
  // In the other family: Chrome's rtcstats writer's shape.
  const rtcstats = await make('rtcstats');
  assert.equal(rtcstats.file, 'internals-chrome144-2pc.rtcstats');
  assert.match(rtcstats.bytes.toString('utf8'), /^RTCStatsDump\n\{"fileFormat":3/);
  // The report and the summary.
  const report = await make('report');
  assert.equal(report.file, 'internals-chrome144-2pc.report.html');
  assert.match(report.bytes.toString('utf8'), /^<!doctype html>/i);
  const summary = JSON.parse((await make('summary')).bytes.toString('utf8'));
  assert.equal(summary.schema, 'rtcview-summary/1');
  assert.equal(summary.peerConnections.length, 2);
  // Made here: nothing but the page's own files was requested.
  assert.ok(requests.every((u) => u.startsWith(base) || u.startsWith('blob:')), requests.join('\n'));
  await page.screenshot({ path: OUT + 'tools.png' });
  await page.keyboard.press('Escape');
  // The converted copy opens, with the same connections.
  await dropFile(page, rtcstats.file, rtcstats.bytes);
  assert.equal(await page.textContent('#status'), `Opened ${rtcstats.file}.`);
  assert.deepEqual(await connections(), before);
  // gzip in, gzip out.
  const gz = readFileSync(FIXTURES + 'scenarios/turn-tcp/a.rtcstats-page.gz');
  await dropFile(page, 'a.rtcstats-page.gz', gz);
  await page.click('#tools');
  const copy = await make('redact');
  assert.equal(copy.file, 'a.rtcstats-page.redacted.gz');
  const copyText = gunzipSync(copy.bytes).toString('utf8');
  assert.match(copyText, /^RTCStatsDump\n/);
  await page.keyboard.press('Escape');
  // The same call as two gzip members (which the browser's own
  // DecompressionStream refuses): the same copy.
  const { gzipSync } = await import('node:zlib');
  const plain = gunzipSync(gz);
  const half = plain.indexOf(10, plain.length >> 1) + 1;
  await dropFile(page, 'two-members.gz', Buffer.concat([gzipSync(plain.subarray(0, half)), gzipSync(plain.subarray(half))]));
  await page.click('#tools');
  const again = await make('redact');
  assert.equal(gunzipSync(again.bytes).toString('utf8'), copyText);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Drops several files on the page's picker at once; waits until opened. */
async function dropFiles(page, files) {
  await page.setInputFiles('#file', files.map(([name, bytes]) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) })));
  await page.waitForFunction(() => /^(Opened \d+ dumps|Could not)/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
}

test('both ends of a call dropped together: linked, side by side on one clock, sent against received', async () => {
  const { page, problems } = await openPage('', { width: 1500, height: 950 });
  const dir = FIXTURES + 'scenarios/uplink-bandwidth-300k/';
  await dropFiles(page, [['caller.internals.txt.gz', readFileSync(dir + 'a.internals.txt.gz')], ['callee.rtcstats.gz', readFileSync(dir + 'b.rtcstats-page.gz')]]);
  assert.equal(await page.textContent('#status'), 'Opened 2 dumps: 2 browsers, 1 linked connection.');
  const panel = await page.textContent('.rv-call');
  assert.match(panel, /Linked: 8-1 \(caller\.internals\.txt\.gz\) ↔ PC_0 \(callee\.rtcstats\.gz\)/);
  assert.match(panel, /clock offset [+−]0\.\d ms ± \d+\.\d ms/);
  assert.match(panel, /The other end explains/);
  assert.match(panel, /Inbound video dropped from 640×360 to 320×180[\s\S]*follows, on the other end \(caller\.internals\.txt\.gz\): Outbound video was limited by the available bandwidth/);
  // One column per browser, each a whole viewer.
  assert.equal(await page.locator('.rv-end').count(), 2);
  assert.equal(await page.locator('.rv-end section.pc').count(), 2);
  // Per direction, what one end sent against what the other received.
  assert.ok(await page.locator('.rv-link h4', { hasText: 'video 399365096: column 1 sends, column 2 receives' }).count());
  const pair = '.rv-link figure.rv-pair canvas';
  await page.locator(pair).first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  assert.ok((await inked(page, pair)) > 2000);
  assert.match(await page.textContent('.rv-link figure.rv-pair figcaption'), /sent · payload[\s\S]*received · payload/);
  // The columns move together: zoom one, the other shows the same time
  // (the two machines' clocks agree: offset 0).
  const ranges = () => page.$$eval('.rv-end .rv-range', (els) => els.map((e) => e.textContent));
  await page.locator('.rv-end').first().locator('.rv-zoom-in').click();
  await page.waitForTimeout(300);
  const [one, two] = await ranges();
  assert.equal(one, two);
  assert.match(one, /\(62\.\d s\)$/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: OUT + 'several.png' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('two unrelated calls: not linked, said plainly, compared on one chart with their figures', async () => {
  const { page, problems } = await openPage('', { width: 1500, height: 950 });
  const S = FIXTURES + 'scenarios/';
  await dropFiles(page, [['good.gz', readFileSync(S + 'clean/a.rtcstats-chrome.gz')], ['bad.gz', readFileSync(S + 'uplink-loss-5pct/b.internals.txt.gz')]]);
  assert.equal(await page.textContent('#status'), 'Opened 2 dumps: 2 browsers, 0 linked connections.');
  assert.match(await page.textContent('.rv-unlinked'), /good\.gz and bad\.gz: no shared SSRC, ICE username fragment or DTLS fingerprint; these look like different calls/);
  assert.equal(await page.$eval('.rv-align', (s) => s.value), 'start');
  // One metric of both on one chart, and the figures side by side.
  await page.selectOption('.rv-compare-controls select[aria-label="Metric"]', 'loss');
  await page.waitForTimeout(300);
  assert.ok((await inked(page, '.rv-compare canvas')) > 1000);
  const figures = await page.$$eval('.rv-figures tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  const score = figures.find((r) => r[0].startsWith('score'));
  assert.equal(score[1], '100');
  assert.ok(Number(score[2]) < 100);
  assert.equal(score[3], `−${100 - Number(score[2])}`);
  // Aligned at the start: zooming one column shows the other's same
  // moment after its own start.
  await page.locator('.rv-end').first().locator('.rv-zoom-in').click();
  await page.waitForTimeout(300);
  const starts = await page.$$eval('.rv-end .rv-range', (els) => els.map((e) => e.textContent.match(/\((.*)\)/)[1]));
  assert.equal(starts[0], starts[1]);
  await page.screenshot({ path: OUT + 'compare.png' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('several dumps by ?url= repeated, one browser merged, and "Add a dump…" adds one', async () => {
  const S = FIXTURES + 'scenarios/clean/';
  const files = Object.fromEntries(['a.internals.txt.gz', 'a.rtcstats-chrome.gz', 'b.rtcstats-page.gz'].map((f) => [`/calls/${f}`, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(readFileSync(S + f));
  }]));
  const srv = await serve(DIST, 0, () => {}, files);
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`http://127.0.0.1:${srv.address().port}/?url=calls/a.internals.txt.gz&url=calls/a.rtcstats-chrome.gz`);
  await page.waitForFunction(() => /^(Opened \d+ dumps|Could not)/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
  // The internals dump and the rtcstats export of one click: one browser.
  assert.equal(await page.textContent('#status'), 'Opened 2 dumps: 1 browser, 0 linked connections.');
  assert.deepEqual(await page.$$eval('.rv-sources tbody tr', (rows) => rows.map((r) => r.cells[1].textContent)), ['a.internals.txt.gz', 'a.rtcstats-chrome.gz']);
  assert.equal(await page.locator('.rv-end section.pc').count(), 1);
  // Add the other end.
  await page.setInputFiles('#add', { name: 'b.rtcstats-page.gz', mimeType: 'application/octet-stream', buffer: readFileSync(S + 'b.rtcstats-page.gz') });
  await page.waitForFunction(() => /^Opened 3 dumps/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
  assert.equal(await page.textContent('#status'), 'Opened 3 dumps: 2 browsers, 1 linked connection.');
  assert.match(await page.textContent('.rv-link h3'), /Linked: 8-1 \(a\.internals\.txt\.gz\) ↔ PC_0 \(b\.rtcstats-page\.gz\)/);
  // One file again: the single viewer, no call panel.
  await dropFile(page, 'one.gz', readFileSync(S + 'a.internals.txt.gz'));
  assert.equal(await page.locator('.rv-call').count(), 0);
  assert.equal(await page.locator('#app section.pc').count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
  srv.close();
});
