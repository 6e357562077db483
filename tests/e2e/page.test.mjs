// End-to-end: the built dist/ in headless Chromium (playwright-core driving
// /usr/bin/chromium). Screenshots go to target/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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

async function openPage() {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(base);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Opened'));
  return { page, problems };
}

async function dropFile(page, name, bytes) {
  await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  await page.waitForFunction((n) => {
    const s = document.getElementById('status').textContent;
    return s === `Opened ${n}.` || s === 'Could not open this file.';
  }, name);
}

test('serves the bundled sample session', async () => {
  const { page, problems } = await openPage();
  const text = await page.textContent('#overview');
  assert.match(text, /Peer connection PC_0/);
  assert.match(text, /Peer connection PC_1/);
  assert.match(text, /outbound video/);
  assert.match(text, /VP8/);
  assert.match(text, /OverconstrainedError/);
  assert.deepEqual(problems, []);
  await page.screenshot({ path: OUT + 'sample.png', fullPage: true });
  await page.close();
});

test('opens a file offline: no request leaves the page', async () => {
  const { page, problems } = await openPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const bytes = readFileSync(FIXTURES + 'rtcstats/v3-compressed-handmade.rtcstats');
  await dropFile(page, 'call.rtcstats', bytes);
  assert.match(await page.textContent('#overview'), /Peer connection PC_0/);
  assert.match(await page.textContent('#overview'), /64\.0 avg/);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a damaged dump shows what was read and says where it broke', async () => {
  const { page } = await openPage();
  const bytes = readFileSync(FIXTURES + 'rtcstats/v3-compressed-handmade.rtcstats');
  await dropFile(page, 'damaged.rtcstats', bytes.subarray(0, bytes.length - 100));
  const text = await page.textContent('#overview');
  assert.match(text, /Import notes/);
  assert.match(text, /truncated at line 22: showing what was read/);
  assert.match(text, /Peer connection PC_0/);
  await page.screenshot({ path: OUT + 'damaged.png', fullPage: true });
  await page.close();
});

test('not a dump: a visible error with its kind', async () => {
  const { page } = await openPage();
  await dropFile(page, 'notes.txt', Buffer.from('meeting notes, not a dump'));
  assert.equal(await page.isVisible('#error'), true);
  assert.match(await page.textContent('#error'), /^unrecognized: not a WebRTC dump/);
  await page.close();
});

test('real dumps of each family open', { skip: !existsSync(DUMPS) && 'shared dumps absent' }, async () => {
  const { page } = await openPage();
  const cases = [
    ['internals-chrome144-2pc.txt', /Peer connection 92-1/],
    ['rtcstats-v3-chromenative-chrome144-2pc.txt', /Peer connection 94-1/],
    ['jitsi-chromelegacy-sfu.jsonl', /Peer connection PC_1/],
    ['rtcstats-v0-json-chrome48-legacy.json', /Peer connection PC_0/],
    ['internals-chrome142-gumonly.gz', /getUserMedia/],
  ];
  for (const [name, want] of cases) {
    await dropFile(page, name, readFileSync(DUMPS + name));
    assert.match(await page.textContent('#overview'), want, name);
  }
  await page.close();
});
