// The viewer's panels: pure builders from what the wasm computed (summary,
// configuration, ICE pairs, SDP, event rows) to DOM, text only. They hold
// no state; listeners go through the `on` they are given, so the viewer's
// destroy() removes them.

import { el, txt, table, clock, when } from './dom.js';

/** @typedef {import('./rtcview-types').Summary} Summary */
/** @typedef {import('./rtcview-types').PcSummary} PcSummary */

const num = (v, d = 1) => (v == null ? '–' : Number(v).toFixed(d));
const stat = (s, unit, d = 1) => (s ? `${num(s.mean, d)} avg / ${num(s.max, d)} max ${unit}` : '–');

/** The overview: file, browser, format, times, import notes, getUserMedia. @param {Summary} summary */
export function overview(summary, name) {
  const s = summary;
  const sec = el('section', { cls: 'overview', attrs: { 'aria-label': 'Overview' } }, el('h2', { text: 'Overview' }));
  sec.append(table(['', ''], [
    ['File', name],
    ['Browser', s.userAgent],
    ['Format', `${s.source.format} (${s.source.dialect})${s.source.gzip ? `, gzip ${(s.source.bytes / 1024).toFixed(0)} KB → ${(s.source.decodedBytes / 1024).toFixed(0)} KB` : `, ${(s.source.bytes / 1024).toFixed(0)} KB`}`],
    ['Start', when(s.startMs)],
    ['Duration', s.durationMs == null ? '–' : `${(s.durationMs / 1000).toFixed(1)} s`],
    ['Peer connections', s.peerConnections.length],
    ['getUserMedia calls', s.getUserMedia.length ? s.getUserMedia.map((g) => g.outcome).join(', ') : 'none'],
  ], 'kv'));
  const capped = s.diagnostics.filter((d) => d.kind === 'capped');
  for (const d of capped) sec.append(el('p', { cls: 'banner warning', text: `History cut: ${d.message}` }));
  if (s.diagnostics.length) {
    sec.append(el('h3', { text: 'Import notes' }));
    sec.append(table(['Severity', 'Kind', 'Message', 'Where', 'Count'], s.diagnostics.map((d) => [
      el('span', { text: d.severity, cls: `sev-${d.severity}` }), d.kind, d.message, d.line != null ? `line ${d.line}` : (d.key ?? ''), d.count])));
  }
  if (s.getUserMedia.length) {
    sec.append(el('h3', { text: 'getUserMedia' }));
    sec.append(table(['Time', 'Type', 'Audio', 'Video', 'Outcome', 'Error'], s.getUserMedia.map((g) => [
      when(g.tMs), g.requestType, g.audio ? 'yes' : 'no', g.video ? 'yes' : 'no', el('span', { text: g.outcome, cls: g.outcome }), g.error])));
  }
  return sec;
}

/** ICE servers (URLs only) and the other configuration fields. @param {PcSummary} pcSummary */
export function configurationPanel(viewer, i, pcSummary) {
  const cfg = JSON.parse(viewer.configuration(i));
  const d = el('details', { cls: 'panel' }, el('summary', { text: 'Configuration' }));
  const rows = [];
  if (pcSummary.url) rows.push(['Page', pcSummary.url]);
  (cfg?.iceServers ?? []).forEach((urls, k) => rows.push([`ICE server ${k + 1}`, urls.join(', ')]));
  for (const [k, v] of cfg?.fields ?? []) rows.push([k, v]);
  if (!rows.length && !cfg?.text) rows.push(['', 'not recorded']);
  d.append(table(['Setting', 'Value'], rows, 'kv'));
  if (cfg?.text) d.append(el('pre', { text: cfg.text }));
  return d;
}

/** The ICE candidate pairs, the selected one marked. */
export function icePanel(viewer, i) {
  const pairs = JSON.parse(viewer.candidatePairs(i));
  const d = el('details', { cls: 'panel' }, el('summary', { text: `ICE candidate pairs (${pairs.length})` }));
  const cand = (c) => (c ? `${c.candidateType ?? '?'} ${c.protocol ?? ''} ${c.address ?? ''}${c.port != null ? `:${c.port}` : ''}${c.relayProtocol ? ` (relay ${c.relayProtocol})` : ''}` : '–');
  d.append(table(['', 'State', 'Local', 'Remote', 'RTT ms', 'Sent / received'], pairs.map((p) => [
    p.selected ? el('strong', { text: 'selected' }) : (p.nominated ? 'nominated' : ''), p.state, cand(p.local), cand(p.remote),
    p.currentRttMs == null ? '–' : num(p.currentRttMs, 0),
    `${p.bytesSent == null ? '–' : (p.bytesSent / 1024).toFixed(0)} / ${p.bytesReceived == null ? '–' : (p.bytesReceived / 1024).toFixed(0)} KB`])));
  return d;
}

/** The streams of a peer connection, whole-call figures. @param {PcSummary} pc */
export function rtpTable(pc) {
  return table(['Stream', 'Codec', 'Bitrate', 'Loss', 'Jitter', 'RTT', 'FPS', 'Resolution'], pc.rtp.map((r) => [
    `${r.direction} ${r.kind ?? ''} ${r.ssrc ?? ''}`, r.codec, stat(r.bitrateKbps, 'kbit/s'),
    r.packetsLostPct == null ? '–' : `${r.packetsLostPct.toFixed(2)} %`, stat(r.jitterMs, 'ms'), stat(r.rttMs, 'ms'),
    stat(r.framesPerSecond, ''), r.frameWidth ? `${r.frameWidth}×${r.frameHeight}` : '–']));
}

/** The toolbar; its controls are found by their `rv-` classes. */
export function toolbarElement() {
  const btn = (cls, text, title) => el('button', { cls, text, attrs: { type: 'button', title } });
  const check = (cls) => el('input', { cls, attrs: { type: 'checkbox' } });
  const theme = el('select', { cls: 'rv-theme', attrs: { 'aria-label': 'Theme' } });
  for (const v of ['auto', 'light', 'dark']) theme.append(el('option', { text: v, attrs: { value: v } }));
  const boring = el('label', { cls: 'rv-boring-label' }, check('rv-boring'), txt(' incl. constant and id series'));
  boring.hidden = true;
  const bar = el('div', { cls: 'toolbar rv-toolbar' },
    el('span', { cls: 'rv-range', attrs: { 'aria-live': 'polite' } }),
    btn('rv-zoom-in', '+', 'Zoom in (+)'), btn('rv-zoom-out', '−', 'Zoom out (−)'),
    btn('rv-pan-left', '←', 'Earlier (←)'), btn('rv-pan-right', '→', 'Later (→)'),
    btn('rv-reset', 'Reset zoom', 'Show everything (0)'), btn('rv-clear-mark', 'Clear mark', 'Remove the marked time'),
    el('label', {}, check('rv-raw'), txt(' every raw series')), boring,
    el('label', {}, txt('Theme '), theme),
    el('span', { cls: 'hint', text: 'Drag on a chart to zoom · Ctrl/⌘+wheel zoom · Shift+wheel pan · double-click reset · click a log row to mark its time' }));
  bar.hidden = true;
  return bar;
}

/**
 * The event log: filter box, "failures only", a row per event; a row
 * opens its full value, and `onMark(tMs)` marks its time on the axis.
 */
export function eventLogPanel(viewer, i, { on, onMark, title = 'Event log' }) {
  const rows = JSON.parse(viewer.events(i));
  const d = el('details', { cls: 'panel' }, el('summary', { text: `${title} (${rows.length})` }));
  const search = el('input', { attrs: { type: 'search', placeholder: 'Filter events…', 'aria-label': 'Filter events' } });
  const failures = el('input', { attrs: { type: 'checkbox' } });
  d.append(el('div', { cls: 'filters' }, search, el('label', {}, failures, txt(' failures only'))));
  const t = table(['Time (UTC)', 'Event', 'Detail'], []);
  const body = t.querySelector('tbody');
  rows.forEach((r) => {
    const tr = el('tr', { cls: r.failure ? 'failure-row' : '', attrs: { tabindex: '0' } },
      el('td', { cls: 'time', text: r.tMs != null ? clock(r.tMs, true) : (r.timeText ?? '–') }),
      el('td', { text: r.name }), el('td', { cls: 'detail', text: r.detail }));
    tr.dataset.search = `${r.name} ${r.detail}`.toLowerCase();
    tr.dataset.failure = r.failure ? '1' : '';
    const toggle = () => {
      if (r.tMs != null) onMark(r.tMs);
      const next = tr.nextElementSibling;
      if (next?.classList.contains('full')) { next.remove(); return; }
      if (r.full) tr.after(el('tr', { cls: 'full' }, el('td', { attrs: { colspan: '3' } }, el('pre', { text: r.full }))));
    };
    on(tr, 'click', toggle);
    on(tr, 'keydown', (e) => { if (e.key === 'Enter') toggle(); });
    body.append(tr);
  });
  const filter = () => {
    const needle = search.value.toLowerCase();
    for (const tr of body.querySelectorAll('tr:not(.full)')) tr.hidden = (needle && !tr.dataset.search.includes(needle)) || (failures.checked && !tr.dataset.failure);
  };
  on(search, 'input', filter);
  on(failures, 'change', filter);
  d.append(t);
  if (rows.some((r) => r.failure)) d.open = true;
  return d;
}

/** The SDP descriptions, split into media sections, each copyable. */
export function sdpPanel(viewer, i, on) {
  const descs = JSON.parse(viewer.descriptions(i));
  const d = el('details', { cls: 'panel' }, el('summary', { text: `SDP (${descs.length})` }));
  for (const s of descs) {
    const kinds = s.sections.map((m) => m.kind).join(', ');
    const item = el('details', { cls: 'sdp' }, el('summary', { text: `${clock(s.tMs, true)} · ${s.event} · ${s.side} ${s.sdpType} · ${kinds}` }));
    item.append(table(['mid', 'Media', 'Direction', 'Codecs', 'Port / protocol', 'Candidates'], s.sections.map((m) => [
      m.mid, m.kind, m.direction, m.codecs.join(', ') || '–', `${m.port} ${m.protocol}`, m.candidates])));
    const copy = el('button', { text: 'Copy SDP', attrs: { type: 'button' } });
    on(copy, 'click', async () => {
      try { await navigator.clipboard.writeText(s.sdp); copy.textContent = 'Copied'; } catch { copy.textContent = 'Copy failed'; }
    });
    item.append(copy, el('details', {}, el('summary', { text: 'SDP text' }), el('pre', { text: s.sdp })));
    d.append(item);
  }
  return d;
}
