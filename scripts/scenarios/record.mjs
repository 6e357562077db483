// Records the scenario corpus (scenarios.mjs): for each scenario, a real
// call between two headless Chromium browsers A and B (fake camera and
// microphone), with the injections applied on schedule, and writes to
// tests/fixtures/scenarios/<name>/:
//   schedule.json                what was injected, when (unix ms), and which findings are expected
//   {a,b}.internals.txt.gz       chrome://webrtc-internals "webrtc-internals dump" (JSON text), gzipped
//   {a,b}.rtcstats-chrome.gz     chrome://webrtc-internals "rtcstats dump" (Chrome's writer, always gzip)
//   {a,b}.rtcstats-page.gz       the page's own rtcstats-style recording (peer/peer.js)
// Every address is replaced by a documentation address (one map per
// scenario, so the files of a call still agree) and the result is checked.
//
// Usage (as root: cgroups for the CPU limit, coturn for TURN):
//   node scripts/scenarios/record.mjs [--out DIR] [name ...]
// Network impairments go through relay.mjs (a UDP relay of ours: this
// kernel has no netem, and tc/iptables cannot delay); CPU starvation is a
// cgroup-v1 CPU quota on the browser's processes; TURN is Debian's coturn.
import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { serve } from '../serve.mjs';
import { Relay } from './relay.mjs';
import { scenarios } from './scenarios.mjs';

const here = new URL('.', import.meta.url).pathname;
const args = process.argv.slice(2);
let outDir = join(here, '../../tests/fixtures/scenarios');
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') outDir = args[++i]; else names.push(args[i]);
}
const chosen = names.length ? scenarios.filter((s) => names.includes(s.name)) : scenarios;
if (names.length && chosen.length !== names.length) throw new Error(`unknown scenario in ${names.join(', ')}`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);

// ---------- the machine ----------
const host = Object.values(networkInterfaces()).flat().find((a) => a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';
const TURN = { port: 3478, user: 'rtcview', pass: 'scenario' };

function startTurn() {
  const p = spawn('turnserver', ['-n', '--no-cli', '--no-tls', '--no-dtls', '--no-udp', '--listening-ip', host, '--relay-ip', host,
    '--listening-port', String(TURN.port), '--lt-cred-mech', '--user', `${TURN.user}:${TURN.pass}`, '--realm', 'rtcview.invalid',
    '--allow-loopback-peers', '--cli-password', 'x', '--log-file', 'stdout', '--simple-log'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return p;
}

const CG = '/sys/fs/cgroup/cpu';
function cgroup(name) {
  const dir = join(CG, `rtcview-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cpu.shares'), '8192'); // ahead of builds running beside the recorder
  writeFileSync(join(dir, 'cpu.cfs_quota_us'), '-1');
  return dir;
}
function descendants(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try { out.push(...execFileSync('pgrep', ['-P', String(out[i])]).toString().trim().split('\n').filter(Boolean).map(Number)); } catch { /* none */ }
  }
  return out;
}
function moveTree(pid, dir) {
  for (const p of descendants(pid)) { try { writeFileSync(join(dir, 'cgroup.procs'), String(p)); } catch { /* exited */ } }
}
const setQuota = (dir, pct) => writeFileSync(join(dir, 'cpu.cfs_quota_us'), pct == null ? '-1' : String(Math.round(1000 * pct)));

// ---------- addresses ----------
/** Every address of this machine, mapped to documentation addresses. */
function addressMap() {
  const map = new Map();
  let v4 = 10, v6 = 10;
  const own = Object.values(networkInterfaces()).flat().map((a) => a.address).concat(['127.0.0.1', '::1', '0.0.0.0']);
  for (const a of own) {
    if (map.has(a)) continue;
    if (isIP(a) === 4) map.set(a, a === '0.0.0.0' ? a : `203.0.113.${v4++}`);
    else map.set(a, `2001:db8::${(v6++).toString(16)}`);
  }
  return map;
}
function replaceAddresses(text, map) {
  for (const [from, to] of map) {
    if (from === to) continue;
    const esc = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`(?<![0-9A-Za-z.:])${esc}(?![0-9A-Za-z:]|\\.\\d)`, 'g'), to);
  }
  return text;
}
const DOC4 = [/^192\.0\.2\./, /^198\.51\.100\./, /^203\.0\.113\./, /^0\.0\.0\.0$/];
/** Throws if `text` still holds an address outside the documentation ranges. */
function checkAddresses(text, where) {
  // Not a version (Chrome/156.0.0.0, "version": "8.0.0.0").
  for (const m of text.matchAll(/(?<![\d.]|[A-Za-z]\/|"version":\s*")\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g)) {
    if (isIP(m[0]) === 4 && !DOC4.some((r) => r.test(m[0]))) throw new Error(`${where}: address ${m[0]} left`);
  }
  for (const m of text.matchAll(/[0-9A-Fa-f:]*::?[0-9A-Fa-f:]+/g)) {
    if (isIP(m[0]) === 6 && !/^2001:db8:/i.test(m[0]) && m[0] !== '::') throw new Error(`${where}: address ${m[0]} left`);
  }
}

// ---------- SDP ----------
/** Keeps one IPv4 UDP host candidate (moved to the relay's address) and,
 *  with TURN, the relay candidates; drops the rest. */
function rewriteSdp(sdp, relay, side, keepRelay) {
  let chosen = null;
  const out = [];
  for (const line of sdp.split('\r\n')) {
    if (!line.startsWith('a=candidate:')) { out.push(line); continue; }
    const f = line.slice(12).split(' ');
    const [, , proto, , ip, port, , type] = f;
    if (keepRelay) { if (type === 'relay') out.push(line); continue; }
    if (proto.toLowerCase() !== 'udp' || type !== 'host' || isIP(ip) !== 4) continue;
    if (!chosen) { chosen = { ip, port: Number(port) }; relay.setReal(side, ip, Number(port)); }
    if (ip !== chosen.ip || Number(port) !== chosen.port) continue;
    const to = side === 'A' ? relay.addrOfA : relay.addrOfB;
    f[4] = to.address; f[5] = String(to.port);
    out.push(`a=candidate:${f.join(' ')}`);
  }
  return out.join('\r\n');
}
const breakFingerprint = (sdp) => sdp.replace(/(a=fingerprint:\S+ )([0-9A-F]{2})/g, (_, p, b) => p + (b === '00' ? '01' : '00'));

// ---------- one scenario ----------
const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-dev-shm-usage', '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream', '--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required',
  '--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows'];

/** A camera that fills the bitrate it is given, as a real one does:
 *  640x360 at 30 fps, a textured pattern panning one way under a second
 *  texture moving the other (Chrome's built-in fake pattern encodes to about
 *  190 kbit/s, so caps of a few hundred kbit/s would not bite; this one
 *  reaches the encoder's 1.7 Mbit/s with no quality limitation). Two
 *  seconds, looping seamlessly. */
function texturedY4m() {
  const path = join(tmpdir(), 'rtcview-camera-textured.y4m');
  if (existsSync(path)) return path;
  const w = 640, h = 360, frames = 60;
  let seed = 12345;
  const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const a = Array.from({ length: 120 * h }, () => (rand() - 0.5) * 12);
  const b = Array.from({ length: w * 60 }, () => (rand() - 0.5) * 6);
  const parts = [Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) {
    parts.push(Buffer.from('FRAME\n'));
    const y = Buffer.alloc(w * h);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const x = (i + 2 * f) % 120;
        const v = 128 + 50 * Math.sin((2 * Math.PI * x) / 120) + a[j * 120 + x] + b[((j + f) % 60) * w + i];
        y[j * w + i] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    const uv = Buffer.alloc((w / 2) * (h / 2) * 2);
    for (let k = 0; k < uv.length; k++) uv[k] = 128 + Math.round(30 * Math.sin((2 * Math.PI * (((k % 320) + f) % 60)) / 60));
    parts.push(y, uv);
  }
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

function silentWav() {
  const path = join(tmpdir(), 'rtcview-silence.wav');
  if (existsSync(path)) return path;
  const rate = 48000, seconds = 5, n = rate * seconds;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(n * 2, 40);
  writeFileSync(path, b);
  return path;
}

async function openPeer(name, pageUrl, extraArgs) {
  const server = await chromium.launchServer({ executablePath: '/usr/bin/chromium', headless: true, args: [...BROWSER_ARGS, ...extraArgs] });
  const browser = await chromium.connect(server.wsEndpoint());
  const ctx = await browser.newContext({ acceptDownloads: true });
  const internals = await ctx.newPage();
  await internals.goto('chrome://webrtc-internals');
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') log(`${name} console:`, m.text()); });
  page.on('pageerror', (e) => log(`${name} page error:`, e.message));
  await page.goto(pageUrl);
  const cg = cgroup(name);
  moveTree(server.process().pid, cg);
  return { name, server, browser, ctx, internals, page, cg };
}

/** One of the internals page's two downloads, as text. */
async function download(peer, which) {
  const { internals } = peer;
  await internals.evaluate(() => {
    document.querySelector('details').open = true;
    const gz = document.getElementById('dump-checkbox');
    if (gz.checked) gz.click(); // the JSON text; we gzip it ourselves
  });
  const sel = which === 'internals' ? '#dump-click-target' : '#dump-click-target-rtcstats';
  const [dl] = await Promise.all([internals.waitForEvent('download'), internals.click(sel)]);
  const path = join(tmpdir(), `rtcview-${peer.name}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  const bytes = readFileSync(path);
  rmSync(path);
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString() : bytes.toString();
}

async function record(sc, pageUrl) {
  log(`== ${sc.name}: ${sc.about}`);
  const setup = sc.setup ?? {};
  const relay = await Relay.open(host);
  const turn = setup.turn ? startTurn() : null;
  if (turn) await sleep(1500);
  const argsFor = (p) => [`--use-file-for-fake-video-capture=${texturedY4m()}`,
    ...(setup.silentMic === p ? [`--use-file-for-fake-audio-capture=${silentWav()}`] : [])];
  const A = await openPeer('A', pageUrl, argsFor('A'));
  const B = await openPeer('B', pageUrl, argsFor('B'));
  const peers = { A, B };
  const config = setup.turn
    ? { iceServers: [{ urls: `turn:${host}:${TURN.port}?transport=tcp`, username: TURN.user, credential: TURN.pass }], iceTransportPolicy: 'relay' }
    : {};
  const injections = [];
  try {
    if (setup.netFromStart) relay.impair(setup.netFromStart.dir, setup.netFromStart.spec);
    await A.page.evaluate((o) => rv.start(o), { config, failFirstGum: setup.failFirstGum === 'A' });
    await B.page.evaluate((o) => rv.start(o), { config, failFirstGum: setup.failFirstGum === 'B' });
    let lastAnswer = null;
    const negotiate = async () => {
      const offer = await A.page.evaluate(() => rv.offer());
      offer.sdp = rewriteSdp(offer.sdp, relay, 'A', !!setup.turn);
      const answer = await B.page.evaluate((o) => rv.answer(o), offer);
      answer.sdp = rewriteSdp(answer.sdp, relay, 'B', !!setup.turn);
      if (setup.breakFingerprint) answer.sdp = breakFingerprint(answer.sdp);
      await A.page.evaluate((a) => rv.accept(a), answer);
      lastAnswer = answer;
    };
    const negotiated = Date.now();
    await negotiate();
    if (sc.waitConnected !== false) {
      const until = Date.now() + 30000;
      for (;;) {
        const st = await A.page.evaluate(() => rv.state());
        if (st === 'connected') break;
        if (Date.now() > until) throw new Error(`${sc.name}: A never connected (state ${st})`);
        await sleep(100);
      }
    }
    const t0 = sc.waitConnected === false ? negotiated : Date.now();
    log(`connected after ${t0 - negotiated} ms`);
    // Every start and end on one timeline.
    const events = [];
    for (const inj of sc.injections) {
      events.push({ at: inj.at, inj, phase: 'start' });
      if (inj.until != null) events.push({ at: inj.until, inj, phase: 'end' });
    }
    events.sort((a, b) => a.at - b.at);
    const windows = new Map();
    for (const ev of events) {
      const wait = t0 + ev.at - Date.now();
      if (wait > 0) await sleep(wait);
      const { inj, phase } = ev;
      const t = Date.now();
      if (phase === 'start') windows.set(inj.id, { startMs: inj.beforeCall ? negotiated - 5000 : t });
      else windows.get(inj.id).endMs = t;
      for (const part of [inj, inj.also].filter(Boolean)) {
        if (part.net && !(setup.netFromStart && inj.at === 0)) relay.impair(part.net.dir, phase === 'start' ? part.net.spec : {});
        if (part.cpu) setQuota(peers[part.cpu.peer].cg, phase === 'start' ? part.cpu.quotaPct : null);
        if (part.page) {
          const step = phase === 'start' ? part.page.start : part.page.end;
          if (step) await peers[part.page.peer].page.evaluate(([m, ...a]) => rv[m](...a), step);
        }
      }
      if (phase === 'start' && inj.renegotiate) await negotiate();
      if (phase === 'start' && inj.reapplyAnswer) await peers[inj.reapplyAnswer].page.evaluate((a) => rv.refuse(a), lastAnswer);
      log(`${phase} ${inj.id}: ${inj.what}`);
    }
    const endAt = t0 + sc.durationMs;
    if (endAt > Date.now()) await sleep(endAt - Date.now());
    for (const inj of sc.injections) {
      const w = windows.get(inj.id);
      w.endMs ??= Date.now();
      injections.push({ id: inj.id, what: inj.what, startMs: w.startMs, endMs: w.endMs, expect: inj.expect ?? [], allow: inj.allow ?? [] });
    }
    const counters = relay.counters();
    relay.impair('both', {});
    // Chrome drops a closed connection from webrtc-internals: its dump is
    // taken first; the rtcstats export keeps the close.
    const files = {};
    for (const [p, peer] of Object.entries(peers)) files[`${p.toLowerCase()}.internals.txt`] = await download(peer, 'internals');
    await A.page.evaluate(() => rv.close());
    await B.page.evaluate(() => rv.close());
    await sleep(1500);
    for (const [p, peer] of Object.entries(peers)) {
      files[`${p.toLowerCase()}.rtcstats-chrome`] = await download(peer, 'rtcstats');
      files[`${p.toLowerCase()}.rtcstats-page`] = await peer.page.evaluate(() => rv.dump());
    }
    const map = addressMap();
    const dir = join(outDir, sc.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    let total = 0;
    for (const [name, text] of Object.entries(files)) {
      const clean = replaceAddresses(text, map);
      checkAddresses(clean, `${sc.name}/${name}`);
      const gz = gzipSync(Buffer.from(clean), { level: 9 });
      writeFileSync(join(dir, `${name}.gz`), gz);
      total += gz.length;
    }
    const schedule = {
      scenario: sc.name, about: sc.about, recordedWith: await A.browser.version(),
      callStartMs: t0, callEndMs: Date.now(), negotiatedMs: negotiated,
      peers: { A: 'the caller (makes the offer)', B: 'the callee' },
      relay: setup.turn ? 'not used (TURN over TCP)' : counters,
      injections,
    };
    writeFileSync(join(dir, 'schedule.json'), `${JSON.stringify(schedule, null, 2)}\n`);
    log(`wrote ${dir} (${(total / 1024).toFixed(0)} KB gzipped)`);
  } finally {
    for (const p of Object.values(peers)) { await p.browser.close().catch(() => {}); await p.server.close().catch(() => {}); }
    relay.close();
    turn?.kill();
  }
}

// The relay (this process) is as urgent as the browsers: a late packet is a delay.
moveTree(process.pid, cgroup('relay'));
const server = await serve(join(here, 'peer'));
try {
  for (const sc of chosen) await record(sc, `http://localhost:${server.address().port}/index.html`);
} finally {
  server.close();
}
