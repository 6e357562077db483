// The npm package: `npm pack` of pkg/, installed into a scratch folder, used
// from a plain page (no bundler) in Chromium under a strict CSP header.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, copyFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { serve } from '../../scripts/serve.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const WORK = `${ROOT}target/pkgtest/`;
const APP = `${WORK}app/`;
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'";
let server, browser, base;

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(APP, { recursive: true });
  execFileSync('npm', ['pack', '--pack-destination', WORK, '--silent'], { cwd: `${ROOT}pkg` });
  const tarball = readdirSync(WORK).find((f) => f.endsWith('.tgz'));
  writeFileSync(`${APP}package.json`, JSON.stringify({ name: 'scratch', private: true }));
  execFileSync('npm', ['install', `../${tarball}`, '--no-audit', '--no-fund', '--offline', '--silent'], { cwd: APP });
  copyFileSync(`${ROOT}www/sample/session.rtcstats.gz`, `${APP}session.rtcstats.gz`);
  // Both ends of one recorded call, for open([...]).
  copyFileSync(`${ROOT}tests/fixtures/scenarios/uplink-bandwidth-300k/a.internals.txt.gz`, `${APP}a.internals.txt.gz`);
  copyFileSync(`${ROOT}tests/fixtures/scenarios/uplink-bandwidth-300k/b.rtcstats-page.gz`, `${APP}b.rtcstats-page.gz`);
  writeFileSync(`${APP}index.html`, `<!doctype html><meta charset="utf-8"><title>scratch</title><link rel="icon" href="data:,">
<script type="module" src="app.js"></script><h1>host page</h1><table id="host-table"><tr><td>host</td></tr></table><div id="a"></div><div id="b"></div><div id="c"></div>`);
  // Counts listeners: the viewer must register none that outlive destroy().
  writeFileSync(`${APP}app.js`, `
const live = new Set();
const add = EventTarget.prototype.addEventListener, remove = EventTarget.prototype.removeEventListener;
EventTarget.prototype.addEventListener = function (type, fn, opts) {
  const entry = { target: this, type, fn, signal: typeof opts === 'object' ? opts?.signal : undefined };
  if (!entry.signal?.aborted) live.add(entry);
  if (entry.signal) add.call(entry.signal, 'abort', () => live.delete(entry));
  return add.call(this, type, fn, opts);
};
EventTarget.prototype.removeEventListener = function (type, fn, opts) {
  for (const e of live) if (e.target === this && e.type === type && e.fn === fn) live.delete(e);
  return remove.call(this, type, fn, opts);
};
const { mount, embed } = await import('./node_modules/rtcview/index.js');
window.hasEmbed = typeof embed === 'function';
const before = new Set(live);
const viewer = mount(document.getElementById('a'));
viewer.on('ready', () => { window.readyFired = true; });
viewer.on('statsReady', (e) => { window.summary = e.detail; });
viewer.on('error', (e) => { window.failure = e.detail; });
viewer.load('session.rtcstats.gz');
window.select = (pc, stream) => viewer.select(pc, stream);
window.destroyA = () => {
  viewer.destroy();
  // Only the page's own listeners (on the viewer handle) may remain.
  return [...live].filter((e) => !before.has(e) && !(e.target instanceof EventTarget && e.target.constructor === EventTarget)).map((e) => e.type);
};
window.openBoth = async () => {
  const before = new Set(live);
  const v = mount(document.getElementById('c'));
  v.on('statsReady', (e) => { window.bothSummary = e.detail; });
  v.on('error', (e) => { window.bothFailure = e.detail; });
  window.destroyC = () => {
    v.destroy();
    return [...live].filter((e) => !before.has(e) && !(e.target instanceof EventTarget && e.target.constructor === EventTarget)).map((e) => e.type);
  };
  return v.open(['a.internals.txt.gz', ['b.rtcstats-page.gz', 'callee']]);
};
window.addElement = async () => {
  await import('./node_modules/rtcview/element.js');
  const el = document.createElement('rtc-view');
  el.addEventListener('statsready', (e) => { window.elementSummary = e.detail; });
  el.setAttribute('src', 'session.rtcstats.gz');
  document.getElementById('b').append(el);
};
`);
  server = await serve(APP, 0, () => {}, {}, { 'content-security-policy': CSP });
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'] });
});
after(async () => { await browser?.close(); server?.close(); });

test('the packed package mounts, loads a dump, fires statsReady, and destroys cleanly', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(base);
  await page.waitForFunction(() => window.summary || window.failure, null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => window.failure), undefined);
  assert.equal(await page.evaluate(() => window.summary.peerConnections.length), 2);
  assert.equal(await page.evaluate(() => window.readyFired && window.hasEmbed), true);
  assert.equal(await page.locator('#a section.pc').count(), 2);
  // The component's styles do not leak onto the host page's table.
  const hostTd = await page.$eval('#host-table td', (td) => getComputedStyle(td).borderBottomStyle);
  assert.equal(hostTd, 'none');
  await page.locator('#a figure.chart').first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  assert.deepEqual(problems, [], 'no CSP violation or error under the strict policy');
  // select(pc, stream) finds the stream by its SSRC (or stats id), not by
  // the heading's text.
  const stream = await page.evaluate(() => window.summary.peerConnections[1].rtp.at(-1));
  const top = (id) => page.$eval(`#a section.pc[data-pc-id="PC_1"] h3[data-stats-id="${id}"]`, (h) => h.getBoundingClientRect().top);
  assert.ok((await top(stream.statsId)) > 720, 'the stream starts below the fold');
  await page.evaluate((ssrc) => window.select('PC_1', ssrc), stream.ssrc);
  await page.waitForFunction((id) => {
    const t = document.querySelector(`#a h3[data-stats-id="${id}"]`).getBoundingClientRect().top;
    return t > -2 && t < innerHeight;
  }, stream.statsId, { timeout: 5000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate((id) => window.select('PC_1', id), stream.statsId);
  await page.waitForFunction((id) => {
    const t = document.querySelector(`#a h3[data-stats-id="${id}"]`).getBoundingClientRect().top;
    return t > -2 && t < innerHeight;
  }, stream.statsId, { timeout: 5000 });
  // A chart's SVG, drawn by the package's sharing tools module from the
  // dump mount() loaded.
  const [svg] = await Promise.all([page.waitForEvent('download'), page.locator('#a figure.chart button[data-export="svg"]').first().click()]);
  assert.match(svg.suggestedFilename(), /^rtcview-.*\.svg$/);
  assert.match(readFileSync(await svg.path(), 'utf8'), /^<svg[\s\S]*<polyline/);
  assert.deepEqual(problems, [], 'no CSP violation or error drawing the SVG');
  const leaked = await page.evaluate(() => window.destroyA());
  assert.deepEqual(leaked, [], 'listeners left after destroy()');
  assert.equal(await page.locator('#a *').count(), 0);
  // The custom element.
  await page.evaluate(() => window.addElement());
  await page.waitForFunction(() => window.elementSummary, null, { timeout: 30000 });
  assert.equal(await page.locator('rtc-view section.pc').count(), 2);
  await page.screenshot({ path: `${ROOT}target/e2e/package.png` });
  // The summary the viewer handed out has exactly the fields the shipped
  // declarations (generated from the Rust types) give it.
  const summary = await page.evaluate(() => window.summary);
  const types = readFileSync(`${APP}node_modules/rtcview/rtcview-types.d.ts`, 'utf8');
  const fieldsOf = (name) => {
    const body = types.match(new RegExp(`export type ${name} = \\{([^}]*)\\};`))[1].replace(/\/\*\*[\s\S]*?\*\//g, '');
    return [...body.matchAll(/(\w+)\??:/g)].map((m) => m[1]).sort();
  };
  assert.deepEqual(Object.keys(summary).sort(), fieldsOf('Summary'));
  assert.deepEqual(Object.keys(summary.peerConnections[0]).sort(), fieldsOf('PcSummary'));
  assert.deepEqual(Object.keys(summary.peerConnections[0].rtp[0]).sort(), fieldsOf('RtpSummary'));
  assert.deepEqual(Object.keys(summary.score).sort(), fieldsOf('Score'));
  await page.close();
});

test('the package opens both ends of a call together: linked, side by side, under the strict CSP', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(base);
  await page.waitForFunction(() => window.summary || window.failure, null, { timeout: 30000 });
  const doc = await page.evaluate(() => window.openBoth());
  assert.equal(await page.evaluate(() => window.bothFailure), undefined);
  assert.deepEqual(doc.sources.map((s) => s.name), ['a.internals.txt.gz', 'callee']);
  assert.equal(doc.links.length, 1);
  assert.ok(Math.abs(doc.links[0].clockOffsetMs) < 50);
  assert.deepEqual(await page.evaluate(() => window.bothSummary.links.length), 1, 'statsReady carries the same document');
  assert.equal(await page.locator('#c .rv-end').count(), 2);
  assert.equal(await page.locator('#c .rv-end section.pc').count(), 2);
  const figure = page.locator('#c figure.rv-pair canvas').first();
  await figure.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  const ink = await figure.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
    return n;
  });
  assert.ok(ink > 2000, `the sent-against-received chart is drawn (${ink} inked pixels)`);
  assert.deepEqual(problems, [], 'no CSP violation or error');
  const leaked = await page.evaluate(() => window.destroyC());
  assert.deepEqual(leaked, [], 'listeners left after destroy()');
  assert.equal(await page.locator('#c *').count(), 0);
  await page.close();
});

test('the package declarations parse and every import in them resolves inside the package', () => {
  const dir = `${APP}node_modules/rtcview/`;
  const dts = readdirSync(dir).filter((f) => f.endsWith('.d.ts'));
  assert.ok(dts.includes('rtcview-types.d.ts') && dts.includes('index.d.ts'), dts.join(' '));
  for (const f of dts) {
    const text = readFileSync(dir + f, 'utf8');
    // esbuild's TypeScript parser: throws on a syntax error.
    transformSync(text, { loader: 'ts', sourcefile: f });
    assert.doesNotMatch(text, /\bunknown\b/, `${f} leaves a type unknown`);
    for (const [, spec] of text.matchAll(/from '(\.\/[^']+)'/g)) {
      assert.ok(existsSync(dir + spec.replace(/\.js$/, '.d.ts')), `${f} imports ${spec}, missing from the package`);
    }
  }
});
