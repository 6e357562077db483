// The viewer UI as a component: createUI(root) renders an imported session
// into `root` (overview, and per peer connection its configuration, state
// swimlanes, charts drawn by wasm with plotters on <canvas>, event log, SDP
// and ICE candidate pairs) with its own toolbar. One time axis is shared by
// the charts, the swimlanes and the log: zoom (Ctrl/⌘+wheel, drag to select,
// + / −), pan (Shift+wheel, ← / →), reset (button, 0, double-click), hover
// cursor with values on every chart, click a log row to mark its time.
// Several can live on one page; destroy() removes every listener.
// Every string from the dump goes in with textContent.

import { el, txt, table } from './dom.js';
import { findingsPanel } from './findings.js';
import { findingMetrics, lineColors, scoreExplanation } from './pkg/rtcview.js';

const CHART_HEIGHT = 150;

const pad = (n, w = 2) => String(n).padStart(w, '0');
function clock(ms, withMs = false) {
  if (ms == null) return '–';
  const d = new Date(ms);
  const s = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMs ? `${s}.${pad(d.getUTCMilliseconds(), 3)}` : s;
}
const when = (ms) => (ms == null ? '–' : new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC'));
const num = (v, d = 1) => (v == null ? '–' : Number(v).toFixed(d));
const stat = (s, unit, d = 1) => (s ? `${num(s.mean, d)} avg / ${num(s.max, d)} max ${unit}` : '–');


// ---------- pure section builders ----------
function overview(summary, name) {
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

function configurationPanel(viewer, i, pcSummary) {
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

function icePanel(viewer, i) {
  const pairs = JSON.parse(viewer.candidatePairs(i));
  const d = el('details', { cls: 'panel' }, el('summary', { text: `ICE candidate pairs (${pairs.length})` }));
  const cand = (c) => (c ? `${c.candidateType ?? '?'} ${c.protocol ?? ''} ${c.address ?? ''}${c.port != null ? `:${c.port}` : ''}${c.relayProtocol ? ` (relay ${c.relayProtocol})` : ''}` : '–');
  d.append(table(['', 'State', 'Local', 'Remote', 'RTT ms', 'Sent / received'], pairs.map((p) => [
    p.selected ? el('strong', { text: 'selected' }) : (p.nominated ? 'nominated' : ''), p.state, cand(p.local), cand(p.remote),
    p.currentRttMs == null ? '–' : num(p.currentRttMs, 0),
    `${p.bytesSent == null ? '–' : (p.bytesSent / 1024).toFixed(0)} / ${p.bytesReceived == null ? '–' : (p.bytesReceived / 1024).toFixed(0)} KB`])));
  return d;
}

function rtpTable(pc) {
  return table(['Stream', 'Codec', 'Bitrate', 'Loss', 'Jitter', 'RTT', 'FPS', 'Resolution'], pc.rtp.map((r) => [
    `${r.direction} ${r.kind ?? ''} ${r.ssrc ?? ''}`, r.codec, stat(r.bitrateKbps, 'kbit/s'),
    r.packetsLostPct == null ? '–' : `${r.packetsLostPct.toFixed(2)} %`, stat(r.jitterMs, 'ms'), stat(r.rttMs, 'ms'),
    stat(r.framesPerSecond, ''), r.frameWidth ? `${r.frameWidth}×${r.frameHeight}` : '–']));
}

function toolbarElement() {
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
 * Creates a viewer UI inside `root`.
 * @param {HTMLElement} root
 * @param {{ pageTheme?: boolean }} options pageTheme: the theme choice also applies to the whole page
 */
export function createUI(root, options = {}) {
  const state = { viewer: null, t0: 0, t1: 1, full0: 0, full1: 1, data0: 0, data1: 1, cursor: null, mark: null, raw: false, boring: false,
    visible: new Set(), lanes: [], observer: null, frame: 0, drag: null,
    // The finding being looked at: its ranges, flat [start, end, ...], and
    // the lane overlays that shade them.
    highlight: [], laneMarks: [], findings: null };
  const life = new AbortController();
  const on = (target, type, fn, opts = {}) => target.addEventListener(type, fn, { ...opts, signal: life.signal });
  root.classList.add('rv-root');
  const bar = toolbarElement();
  const sessionBox = el('div', { cls: 'rv-session' });
  root.append(bar, sessionBox);
  const q = (sel) => root.querySelector(sel);
    const palettes = {};
  const palette = (isDark) => (palettes[isDark] ??= lineColors(isDark).split(' '));
  const dark = () => {
    const t = root.dataset.theme ?? document.documentElement.dataset.theme;
    return t === 'dark' || (t !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  };

  // ---------- time axis ----------
  function setRange(t0, t1) {
    const span = Math.max(t1 - t0, 50);
    const full = state.full1 - state.full0;
    if (span >= full) { t0 = state.full0; t1 = state.full1; } else {
      t0 = Math.min(Math.max(t0, state.full0), state.full1 - span);
      t1 = t0 + span;
    }
    state.t0 = t0; state.t1 = t1;
    q('.rv-range').textContent = `${clock(t0, true)} – ${clock(t1, true)} UTC (${((t1 - t0) / 1000).toFixed(1)} s)`;
    layoutLanes();
    scheduleDraw();
  }
  const zoom = (factor, at = (state.t0 + state.t1) / 2) => setRange(at - (at - state.t0) * factor, at + (state.t1 - at) * factor);
  const pan = (fraction) => { const d = (state.t1 - state.t0) * fraction; setRange(state.t0 + d, state.t1 + d); };
  const reset = () => setRange(state.data0, state.data1);

  function scheduleDraw() {
    if (state.frame || !state.viewer) return;
    state.frame = requestAnimationFrame(() => { state.frame = 0; if (!state.viewer) return; for (const fig of state.visible) drawFigure(fig); updateReadouts(); });
  }

  function drawFigure(fig) {
    const canvas = fig.querySelector('canvas');
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.round(CHART_HEIGHT * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    try {
      const start = performance.now();
      fig.rect = state.viewer.drawChart(canvas, fig.dataset.id, state.t0, state.t1, state.cursor ?? undefined, state.mark ?? undefined, dpr, dark(),
        state.highlight.length ? new Float64Array(state.highlight) : undefined);
            fig.dpr = dpr;
      // The legend in the colours the lines were just drawn in (Rust's palette).
      const colors = palette(dark());
      for (const sw of fig.querySelectorAll('.swatch')) sw.style.background = colors[sw.dataset.line % colors.length];
      // On the page's performance timeline: what a zoom or pan costs.
      performance.measure('rtcview:draw', { start, detail: fig.dataset.id });
    } catch (e) {
      fig.querySelector('.readout').textContent = `could not draw: ${e.message}`;
    }
  }

  function timeAt(fig, clientX) {
    if (!fig.rect) return null;
    const box = fig.querySelector('canvas').getBoundingClientRect();
    const x = (clientX - box.left) * fig.dpr;
    const [l, r] = fig.rect;
    if (x < l || x > r) return null;
    return state.t0 + ((x - l) / (r - l)) * (state.t1 - state.t0);
  }

  function updateReadouts() {
    for (const fig of state.visible) {
      const out = fig.querySelector('.readout');
      if (state.cursor == null) { out.textContent = ''; continue; }
      const vals = JSON.parse(state.viewer.valuesAt(fig.dataset.id, state.cursor));
      out.textContent = `${clock(state.cursor, true)}  ` + vals.map((v) => `${v.label} ${v.value == null ? '–' : Number(v.value).toFixed(v.value < 10 ? 2 : 0)}`).join('  ');
    }
    for (const c of root.querySelectorAll('.lane-cursor')) {
      const f = state.cursor == null ? null : (state.cursor - state.t0) / (state.t1 - state.t0);
      c.hidden = f == null || f < 0 || f > 1;
      if (f != null) c.style.left = `${(f * 100).toFixed(3)}%`;
    }
  }

  function setCursor(t) {
    if (t === state.cursor) return;
    state.cursor = t;
    scheduleDraw();
  }

  function attachChartInput(fig) {
    const canvas = fig.querySelector('canvas');
    const sel = fig.querySelector('.selection');
    on(canvas, 'mousemove', (e) => {
      const t = timeAt(fig, e.clientX);
      setCursor(t);
      const d = state.drag;
      if (d && d.fig === fig && t != null) {
        const box = canvas.getBoundingClientRect();
        const a = Math.min(d.x, e.clientX) - box.left, b = Math.max(d.x, e.clientX) - box.left;
        sel.hidden = false; sel.style.left = `${a}px`; sel.style.width = `${b - a}px`;
      }
    });
    on(canvas, 'mouseleave', () => { setCursor(null); });
    on(canvas, 'mousedown', (e) => {
      const t = timeAt(fig, e.clientX);
      if (t != null && e.button === 0) { state.drag = { fig, x: e.clientX, t }; e.preventDefault(); }
    });
    on(canvas, 'dblclick', reset);
    on(canvas, 'wheel', (e) => {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        zoom(e.deltaY > 0 ? 1.25 : 0.8, timeAt(fig, e.clientX) ?? undefined);
      } else if (e.shiftKey) {
        e.preventDefault();
        pan((e.deltaY || e.deltaX) > 0 ? 0.1 : -0.1);
      }
    }, { passive: false });
  }

  // One mouseup for every chart: ends a drag-select.
  on(window, 'mouseup', (e) => {
    const d = state.drag;
    if (!d) return;
    state.drag = null;
    d.fig.querySelector('.selection').hidden = true;
    const t = timeAt(d.fig, e.clientX) ?? (e.clientX < d.x ? state.t0 : state.t1);
    if (Math.abs(e.clientX - d.x) > 4) setRange(Math.min(d.t, t), Math.max(d.t, t));
  });

  // ---------- sections ----------
  function lanesPanel(viewer, i) {
    const lanes = JSON.parse(viewer.lanes(i));
    const box = el('div', { cls: 'lanes', attrs: { role: 'group', 'aria-label': 'State swimlanes' } });
    for (const lane of lanes) {
      const track = el('div', { cls: 'lane-track' });
      const row = el('div', { cls: 'lane' }, el('span', { cls: 'lane-name', text: lane.name }), track);
      for (const seg of lane.segments) {
        const s = el('span', { cls: `seg st-${seg.state.replace(/[^a-z-]/g, '')}`, text: seg.state, attrs: { title: `${seg.state}: ${clock(seg.t0Ms, true)} – ${clock(seg.t1Ms, true)} UTC` } });
        s.dataset.t0 = seg.t0Ms; s.dataset.t1 = seg.t1Ms;
        track.append(s);
        state.lanes.push(s);
      }
      if (lane.untimed.length) track.append(el('span', { cls: 'untimed', text: `${lane.untimed.join(' → ')} (no timestamps in this dump)` }));
      if (!lane.segments.length && !lane.untimed.length) track.append(el('span', { cls: 'untimed', text: 'no changes recorded' }));
      const cur = el('span', { cls: 'lane-cursor' }); cur.hidden = true;
      track.append(cur);
      box.append(row);
    }
    return box;
  }

  function layoutLanes() {
    const span = state.t1 - state.t0;
    for (const s of state.lanes) {
      const a = Math.max(Number(s.dataset.t0), state.t0), b = Math.min(Number(s.dataset.t1), state.t1);
      s.hidden = b <= a;
      if (b > a) { s.style.left = `${((a - state.t0) / span) * 100}%`; s.style.width = `${((b - a) / span) * 100}%`; }
    }
  }

  function chartFigure(info) {
    const legend = el('span', { cls: 'legend' });
        info.lines.forEach((l, k) => legend.append(el('span', { cls: 'swatch', attrs: { 'data-line': k } }), el('span', { text: l })));
    const fig = el('figure', { cls: 'chart' },
      el('figcaption', {}, el('span', { cls: 'title', text: info.title }), info.unit ? el('span', { cls: 'unit', text: info.unit }) : null, legend, el('span', { cls: 'readout' })),
      el('div', { cls: 'plot' }, el('canvas', { attrs: { height: CHART_HEIGHT, 'aria-label': `${info.title} chart` } }), el('span', { cls: 'selection' })));
    fig.querySelector('.selection').hidden = true;
    fig.dataset.id = info.id;
    fig.dataset.metric = info.metric;
    fig.dataset.statsId = info.statsId;
    if (info.bands.length) fig.append(el('p', { cls: 'bands', text: `Shaded: quality limited by ${[...new Set(info.bands.map((b) => b.label))].join(', ')}` }));
    attachChartInput(fig);
    state.observer.observe(fig);
    return fig;
  }

  function chartsPanel(charts, pcId) {
    const box = el('div', { cls: 'charts' });
    let group = null, grid = null;
    for (const c of charts.filter((c) => c.pcId === pcId)) {
      if (c.group !== group) {
        group = c.group;
        grid = el('div', { cls: 'chart-grid' });
        const heading = el('h3', { text: group });
        heading.dataset.statsId = c.statsId;
        box.append(heading, grid);
      }
      grid.append(chartFigure(c));
    }
    if (!box.childElementCount) box.append(el('p', { cls: 'muted', text: 'No stats to chart for this connection.' }));
    return box;
  }

  function eventLogPanel(viewer, i, title = 'Event log') {
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
        if (r.tMs != null) { state.mark = r.tMs; scheduleDraw(); }
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

  function sdpPanel(viewer, i) {
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

  function buildCharts() {
    const charts = JSON.parse(state.viewer.charts(state.raw)).filter((c) => state.boring || !c.boring);
    for (const box of sessionBox.querySelectorAll('.pc')) {
      const old = box.querySelector('.charts');
      for (const f of old.querySelectorAll('figure')) { state.observer.unobserve(f); state.visible.delete(f); }
      old.replaceWith(chartsPanel(charts, box.dataset.pcId));
    }
  }

    /** Opens a finding: zooms the shared time axis to its ranges, shades
   *  them on every chart and swimlane, outlines the charts of its evidence
   *  and scrolls to the first. */
  function openFinding(f) {
    if (!state.viewer) return;
    for (const m of state.laneMarks) m.remove();
    state.lanes = state.lanes.filter((s) => !state.laneMarks.includes(s));
    state.laneMarks = [];
    state.highlight = f.ranges.flatMap((r) => [r.startMs, r.endMs]);
    for (const fig of sessionBox.querySelectorAll('figure.highlighted')) fig.classList.remove('highlighted');
    if (f.ranges.length) {
      const a = Math.min(...f.ranges.map((r) => r.startMs));
      const b = Math.max(...f.ranges.map((r) => r.endMs));
      const margin = Math.max(5000, (b - a) * 0.25);
      setRange(a - margin, b + margin);
    }
    const sections = [...sessionBox.querySelectorAll('section.pc')].filter((sec) => f.peerConnection == null || sec.dataset.pcId === f.peerConnection);
    for (const sec of sections) {
      for (const track of sec.querySelectorAll('.lane-track')) {
        for (const r of f.ranges) {
          const m = el('span', { cls: 'lane-highlight', attrs: { 'aria-hidden': 'true' } });
          m.dataset.t0 = r.startMs; m.dataset.t1 = Math.max(r.endMs, r.startMs + (state.t1 - state.t0) / 400);
          track.append(m);
          state.laneMarks.push(m);
          state.lanes.push(m);
        }
      }
    }
    layoutLanes();
    // The charts of its evidence: its stream's, else its connection's.
    const metrics = findingMetrics(f.kind).split(' ').filter(Boolean);
    const figs = sections.flatMap((sec) => [...sec.querySelectorAll('figure.chart')]);
    const rank = (fig) => metrics.indexOf(fig.dataset.metric);
    let mine = figs.filter((fig) => rank(fig) >= 0 && (!f.stream || fig.dataset.statsId === f.stream.statsId));
    if (!mine.length && !f.stream) mine = figs.filter((fig) => rank(fig) >= 0);
    mine.sort((x, y) => rank(x) - rank(y));
    for (const fig of mine) fig.classList.add('highlighted');
    (mine[0] ?? sections[0])?.scrollIntoView({ block: 'center' });
    scheduleDraw();
  }

  function clear() {
    state.observer?.disconnect();
    state.visible.clear();
    state.lanes = [];
    state.laneMarks = [];
    state.highlight = [];
    state.findings = null;
    if (state.frame) cancelAnimationFrame(state.frame);
    state.frame = 0;
    state.viewer?.free();
    state.viewer = null;
    sessionBox.replaceChildren();
    bar.hidden = true;
  }

  function render(viewer, name) {
    clear();
    state.viewer = viewer;
    /** @type {import('./rtcview-types').Summary} */
    const summary = JSON.parse(viewer.summary());
    state.summary = summary;
    const [a, b] = viewer.timeRange();
    state.full0 = a ?? 0; state.full1 = b ?? 1;
    if (state.full1 <= state.full0) state.full1 = state.full0 + 1000;
    // Open on where the stats are; zooming out reaches everything timed.
    const [d0, d1] = viewer.dataRange();
    state.data0 = d0 ?? state.full0; state.data1 = d1 > d0 ? d1 : state.full1;
    state.cursor = null; state.mark = null;
    state.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) { state.visible.add(e.target); drawFigure(e.target); } else state.visible.delete(e.target);
      }
    }, { rootMargin: '200px' });
    state.findings = findingsPanel(summary, { explanation: scoreExplanation(), onOpen: openFinding, on });
    sessionBox.append(state.findings.element, overview(summary, name));
    if (summary.peerConnections.length > 1) {
      const nav = el('nav', { cls: 'pcnav', attrs: { 'aria-label': 'Peer connections' } });
      summary.peerConnections.forEach((pc, i) => {
        const link = el('button', { text: pc.id, attrs: { type: 'button' } });
        on(link, 'click', () => sessionBox.querySelector(`[data-pc-index="${i}"]`)?.scrollIntoView({ block: 'start' }));
        nav.append(link);
      });
      sessionBox.append(nav);
    }
    if (JSON.parse(viewer.events(-1)).length) sessionBox.append(el('section', { cls: 'client' }, eventLogPanel(viewer, -1, 'Client events (getUserMedia, devices)')));
    summary.peerConnections.forEach((pc, i) => {
      const states = pc.connectionStates.map((s) => s.state);
      const pair = pc.selectedCandidatePair;
      const sec = el('section', { cls: 'pc', attrs: { 'aria-label': `Peer connection ${pc.id}` } },
        el('h2', { text: `Peer connection ${pc.id}` }),
        el('p', { cls: 'pc-line', text: [states.length ? `connection: ${states.join(' → ')}` : null,
          pair ? `selected pair: ${pair.localType ?? '?'} → ${pair.remoteType ?? '?'} over ${pair.protocol ?? '?'}${pair.relayProtocol ? ` (relay ${pair.relayProtocol})` : ''}` : null,
          `${pc.events} events`].filter(Boolean).join(' · ') }),
        configurationPanel(viewer, i, pc), lanesPanel(viewer, i), pc.rtp.length ? rtpTable(pc) : null,
        el('div', { cls: 'charts' }), eventLogPanel(viewer, i), sdpPanel(viewer, i), icePanel(viewer, i));
      sec.dataset.pcId = pc.id;
      sec.dataset.pcIndex = i;
      sessionBox.append(sec);
    });
    bar.hidden = false;
    buildCharts();
    setRange(state.data0, state.data1);
  }

  // ---------- toolbar ----------
  on(q('.rv-zoom-in'), 'click', () => zoom(0.5));
  on(q('.rv-zoom-out'), 'click', () => zoom(2));
  on(q('.rv-pan-left'), 'click', () => pan(-0.25));
  on(q('.rv-pan-right'), 'click', () => pan(0.25));
  on(q('.rv-reset'), 'click', reset);
  on(q('.rv-clear-mark'), 'click', () => { state.mark = null; scheduleDraw(); });
  on(q('.rv-raw'), 'change', (e) => { state.raw = e.target.checked; q('.rv-boring-label').hidden = !state.raw; if (state.viewer) buildCharts(); });
  on(q('.rv-boring'), 'change', (e) => { state.boring = e.target.checked; if (state.viewer) buildCharts(); });
  on(q('.rv-theme'), 'change', (e) => {
    for (const t of options.pageTheme ? [root, document.documentElement] : [root]) {
      if (e.target.value === 'auto') delete t.dataset.theme; else t.dataset.theme = e.target.value;
    }
    scheduleDraw();
  });
  on(matchMedia('(prefers-color-scheme: dark)'), 'change', scheduleDraw);
  on(window, 'resize', scheduleDraw);
  on(root, 'keydown', (e) => {
    if (!state.viewer || e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = { '+': () => zoom(0.5), '=': () => zoom(0.5), '-': () => zoom(2), ArrowLeft: () => pan(-0.25), ArrowRight: () => pan(0.25), 0: reset }[e.key];
    if (k) { k(); e.preventDefault(); }
  });

  return {
    render,
    clear,
    /**
     * Host command select.v1: scroll to a peer connection (its summary `id`)
     * or to one of its streams (the stream's `statsId`, or its SSRC).
     */
    select(pcId, stream) {
      const sec = [...sessionBox.querySelectorAll('section.pc')].find((s) => s.dataset.pcId === pcId) ?? sessionBox.querySelector('section.pc');
      const pc = state.summary?.peerConnections.find((p) => p.id === sec?.dataset.pcId);
      const statsId = pc?.rtp.find((r) => r.statsId === String(stream) || (r.ssrc != null && String(r.ssrc) === String(stream)))?.statsId;
      const target = stream != null ? [...(sec?.querySelectorAll('.charts h3') ?? [])].find((h) => h.dataset.statsId === statsId) : sec;
      target?.scrollIntoView({ block: 'start' });
    },
        /** Opens a finding by id (as a click on it does). */
    openFinding(id) { state.findings?.open(id); },
    /** Host command zoom.v1. */
    zoom(t0, t1) { if (state.viewer) setRange(t0, t1); },
    /** Removes everything this UI added and every listener it registered. */
    destroy() {
      clear();
      life.abort();
      bar.remove();
      sessionBox.remove();
      root.classList.remove('rv-root');
    },
  };
}
