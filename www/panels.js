// The viewer's panels: pure builders from what the wasm computed (summary,
// configuration, ICE pairs, SDP, event rows) to DOM, text only. They hold
// no state; listeners go through the `on` they are given, so the viewer's
// destroy() removes them.

import { el, txt, table, clock, when } from './dom.js';

/** An event's JSON payload indented for reading (Rust sends it compact);
 *  anything else as it is. */
function indented(text) {
  if (!/^[[{]/.test(text)) return text;
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

/** @typedef {import('./rtcview-types').Summary} Summary */
/** @typedef {import('./rtcview-types').PcSummary} PcSummary */

const num = (v, d = 1) => (v == null ? '–' : Number(v).toFixed(d));

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
  const d = el('details', { cls: 'panel', attrs: { 'data-panel': 'config' } }, el('summary', { text: 'Configuration' }));
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
  const d = el('details', { cls: 'panel', attrs: { 'data-panel': 'ice' } }, el('summary', { text: `ICE candidate pairs (${pairs.length})` }));
  const cand = (c) => (c ? `${c.candidateType ?? '?'} ${c.protocol ?? ''} ${c.address ?? ''}${c.port != null ? `:${c.port}` : ''}${c.relayProtocol ? ` (relay ${c.relayProtocol})` : ''}` : '–');
  const n = (v) => (v == null ? '–' : String(v));
  // The STUN checks: "120 requests sent, 0 responses received" is how an ICE failure reads.
  const checks = (p) => `${n(p.requestsSent)} sent / ${n(p.responsesReceived)} answered · ${n(p.requestsReceived)} received / ${n(p.responsesSent)} answered`
    + (p.consentRequestsSent ? ` · ${p.consentRequestsSent} consent` : '');
  d.append(table(['', 'State', 'Local', 'Remote', 'STUN checks (ours · theirs)', 'RTT ms', 'Sent / received'], pairs.map((p) => [
    p.selected ? el('strong', { text: 'selected' }) : (p.nominated ? 'nominated' : ''), p.state, cand(p.local), cand(p.remote),
    checks(p), p.currentRttMs == null ? '–' : num(p.currentRttMs, 0),
    `${p.bytesSent == null ? '–' : (p.bytesSent / 1024).toFixed(0)} / ${p.bytesReceived == null ? '–' : (p.bytesReceived / 1024).toFixed(0)} KB`])));
  return d;
}

/**
 * The streams of a peer connection over the visible range: each figure's
 * mean and its worst 10 s window (`rangeStats`, the values the charts
 * draw), frame rate and resolution as the range of values they took.
 * @param {PcSummary} pc
 * @param {import('./rtcview-types').ChartRange[]} ranges
 * @param {string} covers the range in words
 */
export function rtpTable(pc, ranges, covers) {
  const line = (r, metric, k = 0) => ranges.find((c) => c.statsId === r.statsId && c.metric === metric)?.lines[k];
  const d = (v, digits) => (v >= 100 ? v.toFixed(0) : v.toFixed(digits));
  // "812 avg · 240 worst 10 s"; the worst only where it differs.
  const fig = (l, unit, digits = 1) => {
    if (!l) return '–';
    const worst = l.worst && d(l.worst.mean, digits) !== d(l.mean, digits) ? ` · ${d(l.worst.mean, digits)} worst 10 s` : '';
    return `${d(l.mean, digits)}${unit} avg${worst}`;
  };
  const span = (l, digits = 0) => (!l ? '–' : d(l.min, digits) === d(l.max, digits) ? d(l.min, digits) : `${d(l.min, digits)}–${d(l.max, digits)}`);
  const res = (r) => {
    const w = line(r, 'resolution', 0), h = line(r, 'resolution', 1);
    if (!w || !h) return '–';
    const lo = `${w.min}×${h.min}`, hi = `${w.max}×${h.max}`;
    return lo === hi ? lo : `${lo} – ${hi}`;
  };
  const t = table(['Stream', 'Codec', 'Bitrate kbit/s', 'Loss', 'Jitter ms', 'RTT ms', 'FPS', 'Resolution'], pc.rtp.map((r) => [
    `${r.direction} ${r.kind ?? ''} ${r.ssrc ?? ''}`, r.codec, fig(line(r, 'bitrate'), '', 0), fig(line(r, 'loss'), ' %', 2),
    fig(line(r, 'jitter'), ''), fig(line(r, 'rtt'), ''), span(line(r, 'fps')), res(r)]), 'streams');
  t.prepend(el('caption', { text: `Streams over ${covers}` }));
  return t;
}

/** A peer connection's outcome, coloured by its state. @param {PcSummary} pc */
export function outcomeBadge(pc) {
  return el('span', { cls: `outcome outcome-${pc.outcome.state}`, text: pc.outcome.label });
}

/** What tells two connections apart beyond the dump's id: who offered, and the page's path. @param {PcSummary} pc */
export function pcHints(pc) {
  let path = null;
  try { if (pc.url) path = new URL(pc.url).pathname; } catch { path = pc.url; }
  const role = { offerer: 'made the offer (caller)', answerer: 'answered (callee)' }[pc.role] ?? null;
  return [role, path].filter(Boolean).join(' · ');
}

/**
 * The first screen under the verdict: every connection's outcome and its
 * key figures over the whole call (loss each way with its worst 10 s, RTT,
 * available against target bitrate, video sent and received), so a
 * 16-connection dump answers "which one, how badly" without a scroll.
 * @param {Summary} summary
 * @param {(pcId: string) => import('./rtcview-types').ChartRange[]} rangesOf whole-call `rangeStats`
 * @param {(i: number) => void} onJump
 */
export function glancePanel(summary, rangesOf, { on, onJump }) {
  const sec = el('section', { cls: 'glance', attrs: { 'aria-label': 'Connections at a glance' } }, el('h2', { text: 'Connections' }));
  const f1 = (v, unit = '') => (v == null ? '–' : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}${unit}`);
  const rows = summary.peerConnections.map((pc, i) => {
    const ranges = rangesOf(pc.id);
    const dir = (r) => pc.rtp.find((s) => s.statsId === r.statsId)?.direction;
    const kind = (r) => pc.rtp.find((s) => s.statsId === r.statsId)?.kind;
    const lines = (metric, direction, k = 0, media = null) => ranges
      .filter((r) => r.metric === metric && (!direction || dir(r) === direction) && (!media || kind(r) === media))
      .map((r) => r.lines[k]).filter(Boolean);
    // The worst stream of a direction: the highest loss, with its worst 10 s.
    const loss = (direction) => {
      const l = lines('loss', direction).sort((a, b) => b.mean - a.mean)[0];
      if (!l) return '–';
      return `${f1(l.mean, ' %')}${l.worst && l.worst.mean > l.mean ? ` (${f1(l.worst.mean, ' %')} worst 10 s)` : ''}`;
    };
    const mean = (ls) => (ls.length ? ls.reduce((s, l) => s + l.mean, 0) / ls.length : null);
    const rtt = mean(lines('icertt')) ?? mean(lines('rtt', 'outbound'));
    const bwe = mean(lines('bwe'));
    const target = lines('bitrate', 'outbound', 1).reduce((s, l) => s + l.mean, 0) || null;
    const video = (direction) => {
      const w = lines('resolution', direction, 0, 'video'), fps = lines('fps', direction, 0, 'video');
      if (!w.length && !fps.length) return '–';
      const h = lines('resolution', direction, 1, 'video');
      const size = w.length && h.length ? `${w[0].max}×${h[0].max}` : '';
      return [size, fps.length ? `${f1(fps[0].mean)} fps` : ''].filter(Boolean).join(' @ ');
    };
    const jump = el('button', { cls: 'link', text: pc.id, attrs: { type: 'button' } });
    on(jump, 'click', () => onJump(i));
    return [el('span', {}, jump, txt(' '), outcomeBadge(pc)), loss('inbound'), loss('outbound'), f1(rtt, ' ms'),
      bwe == null && target == null ? '–' : `${f1(bwe)} / ${f1(target)} kbit/s`, video('outbound'), video('inbound')];
  });
  sec.append(table(['Connection', 'Loss in', 'Loss out', 'RTT', 'Available / target', 'Video sent', 'Video received'], rows, 'glance-table'));
  return sec;
}

/** The toolbar; its controls are found by their `rv-` classes. */
export function toolbarElement() {
  const btn = (cls, text, title) => el('button', { cls, text, attrs: { type: 'button', title } });
  const check = (cls) => el('input', { cls, attrs: { type: 'checkbox' } });
  const theme = el('select', { cls: 'rv-theme', attrs: { 'aria-label': 'Theme' } });
  const clockSel = el('select', { cls: 'rv-clock', attrs: { 'aria-label': 'Time shown as' } });
  for (const [v, t] of [['utc', 'UTC clock'], ['relative', 'since start']]) clockSel.append(el('option', { text: t, attrs: { value: v } }));
  for (const v of ['auto', 'light', 'dark']) theme.append(el('option', { text: v, attrs: { value: v } }));
  const boring = el('label', { cls: 'rv-boring-label' }, check('rv-boring'), txt(' incl. constant and id series'));
  boring.hidden = true;
  const bar = el('div', { cls: 'toolbar rv-toolbar' },
    el('span', { cls: 'rv-range', attrs: { 'aria-live': 'polite' } }),
    btn('rv-zoom-in', '+', 'Zoom in (+)'), btn('rv-zoom-out', '−', 'Zoom out (−)'),
    btn('rv-pan-left', '←', 'Earlier (←)'), btn('rv-pan-right', '→', 'Later (→)'),
    btn('rv-reset', 'Reset zoom', 'Show everything (0)'), btn('rv-clear-mark', 'Clear mark', 'Remove the marked time'),
    el('label', {}, check('rv-raw'), txt(' every raw series')), boring,
    el('label', {}, txt('Time '), clockSel),
    el('label', {}, txt('Theme '), theme),
    el('span', { cls: 'hint', text: 'Drag on a chart to zoom · Shift+drag or middle button to pan · Ctrl/⌘+wheel zoom · Shift+wheel pan · double-click reset · click a log row to mark its time' }),
    // Pointer only (hidden from assistive tech): the keys (← → + − 0) and
    // the range text above do the same for everyone.
    el('div', { cls: 'rv-minimap', attrs: { 'aria-hidden': 'true', title: 'The whole call: drag the window to move the view' } },
      el('div', { cls: 'rv-minimap-window' })));
  bar.hidden = true;
  return bar;
}

/**
 * The event log: filter box, "failures only", a row per event; a row
 * opens its full value, and `onMark(tMs)` marks its time on the axis.
 * @param {import('./rtcview-types').EventRow[]} rows `Viewer.events`, parsed once by the caller
 */
export function eventLogPanel(rows, { on, onMark, title = 'Event log' }) {
  const d = el('details', { cls: 'panel', attrs: { 'data-panel': 'log' } }, el('summary', { text: `${title} (${rows.length})` }));
  const search = el('input', { attrs: { type: 'search', placeholder: 'Filter events…', 'aria-label': 'Filter events' } });
  const failures = el('input', { attrs: { type: 'checkbox' } });
  d.append(el('div', { cls: 'filters' }, search, el('label', {}, failures, txt(' failures only'))));
  const t = table(['Time (UTC)', 'Event', 'Detail'], []);
  const body = t.querySelector('tbody');
  rows.forEach((r) => {
    const tr = el('tr', { cls: r.failure ? 'failure-row' : '', attrs: { tabindex: '-1' } },
      el('td', { cls: 'time', text: r.tMs != null ? clock(r.tMs, true) : (r.timeText ?? '–') }),
      el('td', { text: r.name }), el('td', { cls: 'detail', text: r.detail }));
    tr.dataset.search = `${r.name} ${r.detail}`.toLowerCase();
    tr.dataset.failure = r.failure ? '1' : '';
    const toggle = () => {
      if (r.tMs != null) onMark(r.tMs);
      const next = tr.nextElementSibling;
      if (next?.classList.contains('full')) { next.remove(); return; }
      if (r.full) tr.after(el('tr', { cls: 'full' }, el('td', { attrs: { colspan: '3' } }, el('pre', { text: indented(r.full) }))));
    };
    on(tr, 'click', () => { rove(tr); toggle(); });
    on(tr, 'keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { toggle(); e.preventDefault(); } });
    body.append(tr);
  });
  // The log is one tab stop: the rows share a roving tabindex, and the
  // arrow keys (Home, End, Page Up/Down) move between the visible rows.
  const visibleRows = () => [...body.querySelectorAll('tr:not(.full)')].filter((tr) => !tr.hidden);
  function rove(tr, focus = false) {
    for (const other of body.querySelectorAll('tr[tabindex="0"]')) other.tabIndex = -1;
    if (!tr) return;
    tr.tabIndex = 0;
    if (focus) tr.focus();
  }
  on(body, 'keydown', (e) => {
    const list = visibleRows();
    const at = list.indexOf(e.target);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: list.length - 1, PageDown: at + 10, PageUp: at - 10 }[e.key];
    if (to == null) return;
    rove(list[Math.max(0, Math.min(list.length - 1, to))], true);
    e.preventDefault();
  });
  const filter = () => {
    const needle = search.value.toLowerCase();
    for (const tr of body.querySelectorAll('tr:not(.full)')) tr.hidden = (needle && !tr.dataset.search.includes(needle)) || (failures.checked && !tr.dataset.failure);
    const current = body.querySelector('tr[tabindex="0"]');
    if (!current || current.hidden) rove(visibleRows()[0]);
  };
  on(search, 'input', filter);
  on(failures, 'change', filter);
  t.setAttribute('aria-label', `${title}: arrow keys move between rows, Enter shows the full value`);
  rove(visibleRows()[0]);
  d.append(t);
  if (rows.some((r) => r.failure)) d.open = true;
  return d;
}

/** The SDP descriptions, split into media sections, each copyable. */
export function sdpPanel(viewer, i, on) {
  const descs = JSON.parse(viewer.descriptions(i));
  const d = el('details', { cls: 'panel', attrs: { 'data-panel': 'sdp' } }, el('summary', { text: `SDP (${descs.length})` }));
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
