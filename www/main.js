// rtcview page (placeholder until the full viewer lands): loads the wasm
// importer, opens the bundled sample or a dropped/picked/pasted dump, and
// shows its summary. Dump contents are untrusted: only textContent is used.
import init, { summarizeDump, version } from './pkg/rtcview.js';

const $ = (id) => document.getElementById(id);
const SAMPLE = 'sample/session.rtcstats.gz';

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function table(headers, rows) {
  const t = el('table');
  const tr = el('tr');
  headers.forEach((h) => tr.append(el('th', h)));
  t.append(tr);
  for (const r of rows) {
    const row = el('tr');
    for (const c of r) {
      const td = el('td', c instanceof Node ? null : (c ?? '–'));
      if (c instanceof Node) td.append(c);
      row.append(td);
    }
    t.append(row);
  }
  return t;
}

const when = (ms) => (ms == null ? '–' : new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC'));
const stat = (s, unit) => (s ? `${s.mean.toFixed(1)} avg / ${s.max.toFixed(1)} max ${unit}` : '–');

function showError(kind, message) {
  const box = $('error');
  box.hidden = false;
  box.textContent = `${kind}: ${message}`;
  $('status').textContent = 'Could not open this file.';
}

function render(summary, name) {
  const o = $('overview');
  o.replaceChildren();
  o.hidden = false;
  $('error').hidden = true;
  $('status').textContent = `Opened ${name}.`;
  o.append(el('h2', 'Overview'));
  o.append(table(['', ''], [
    ['Browser', summary.userAgent],
    ['Format', `${summary.source.format} (${summary.source.dialect})${summary.source.gzip ? ', gzip' : ''}`],
    ['Start', when(summary.startMs)],
    ['Duration', summary.durationMs == null ? '–' : `${(summary.durationMs / 1000).toFixed(1)} s`],
    ['Peer connections', summary.peerConnections.length],
  ]));
  if (summary.diagnostics.length) {
    o.append(el('h2', 'Import notes'));
    o.append(table(['Severity', 'Kind', 'Message', 'Where', 'Count'], summary.diagnostics.map((d) => [
      el('span', d.severity, `sev-${d.severity}`), d.kind, d.message, d.line != null ? `line ${d.line}` : (d.key ?? ''), d.count])));
  }
  if (summary.getUserMedia.length) {
    o.append(el('h2', 'getUserMedia'));
    o.append(table(['Time', 'Type', 'Audio', 'Video', 'Outcome', 'Error'], summary.getUserMedia.map((g) => [
      when(g.tMs), g.requestType, g.audio ? 'yes' : 'no', g.video ? 'yes' : 'no', el('span', g.outcome, g.outcome), g.error])));
  }
  for (const pc of summary.peerConnections) {
    o.append(el('h2', `Peer connection ${pc.id}`));
    const pair = pc.selectedCandidatePair;
    o.append(table(['', ''], [
      ['ICE servers', pc.iceServers.join(', ') || 'none'],
      ['Events', pc.events],
      ['Connection states', pc.connectionStates.map((s) => s.state).join(' → ') || '–'],
      ['ICE states', pc.iceConnectionStates.map((s) => s.state).join(' → ') || '–'],
      ['Selected pair', pair ? `${pair.localType ?? '?'} → ${pair.remoteType ?? '?'} over ${pair.protocol ?? '?'}${pair.relayProtocol ? ` (relay ${pair.relayProtocol})` : ''}` : '–'],
    ]));
    if (pc.rtp.length) {
      o.append(table(['Stream', 'Codec', 'Bitrate', 'Loss', 'Jitter', 'RTT', 'FPS', 'Resolution'], pc.rtp.map((r) => [
        `${r.direction} ${r.kind ?? ''} ${r.ssrc ?? ''}`, r.codec, stat(r.bitrateKbps, 'kbit/s'),
        r.packetsLostPct == null ? '–' : `${r.packetsLostPct.toFixed(2)} %`, stat(r.jitterMs, 'ms'), stat(r.rttMs, 'ms'),
        stat(r.framesPerSecond, ''), r.frameWidth ? `${r.frameWidth}×${r.frameHeight}` : '–'])));
    }
  }
}

function open(bytes, name) {
  try {
    render(JSON.parse(summarizeDump(new Uint8Array(bytes))), name);
  } catch (e) {
    showError(e.name || 'error', e.message || String(e));
  }
}

async function openFile(file) {
  $('status').textContent = `Reading ${file.name}…`;
  open(await file.arrayBuffer(), file.name);
}

async function openSample() {
  $('status').textContent = 'Loading the sample session…';
  try {
    const res = await fetch(SAMPLE);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    open(await res.arrayBuffer(), 'the sample session');
  } catch (e) {
    showError('fetch_failed', `could not load the sample (${e.message})`);
  }
}

async function start() {
  try {
    await init();
  } catch (e) {
    showError('startup', `the viewer could not start: ${e.message}`);
    return;
  }
  $('version').textContent = version();
  $('file').addEventListener('change', (e) => e.target.files[0] && openFile(e.target.files[0]));
  $('sample').addEventListener('click', openSample);
  addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const f = e.dataTransfer?.files?.[0];
    if (f) openFile(f);
  });
  addEventListener('paste', (e) => {
    const text = e.clipboardData?.getData('text');
    if (text) open(new TextEncoder().encode(text), 'pasted text');
  });
  await openSample();
}

start();
