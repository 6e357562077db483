// The viewer UI as a component: createUI(root) renders an imported session
// into `root` (the findings, an overview, and per peer connection its
// configuration, state swimlanes, charts, event log, SDP and ICE pairs)
// with its own toolbar. One time axis is shared by the charts, the
// swimlanes and the log: zoom (Ctrl/⌘+wheel, drag to select, + / −), pan
// (Shift+wheel, ← / →), reset (button, 0, double-click), hover cursor with
// values on every chart, click a log row to mark its time. Several can
// live on one page; destroy() removes every listener.
//
// The parts, each in its module: panels.js (pure builders), timeline.js
// (the axis), lanes.js (swimlanes), charts.js (figures, drawing, pointer
// input), findings.js (the verdict). This file wires them together and
// owns the toolbar and the keyboard. Every string from the dump goes in
// with textContent.

import { el, txt, clock } from './dom.js';

// For calls.js (several dumps) and mount.js, shipped apart from this bundle.
export { el, table, addStylesheet } from './dom.js';
export { fitCanvas, paintSwatches } from './charts.js';

/** Whether `root` shows the dark theme: its own choice, else the page's,
 *  else the system's (every viewer UI, and calls.js's figures). */
export function isDark(root) {
  const t = root.dataset.theme ?? document.documentElement.dataset.theme;
  return t === 'dark' || (t !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
}
import { findingsPanel } from './findings.js';
import { overview, configurationPanel, icePanel, rtpTable, toolbarElement, eventLogPanel, sdpPanel, outcomeBadge, pcHints, glancePanel } from './panels.js';
import { TimeAxis, Minimap } from './timeline.js';
import { Lanes } from './lanes.js';
import { Charts } from './charts.js';
import { findingMetrics, scoreExplanation } from './pkg/rtcview.js';

/** @typedef {import('./rtcview-types').Summary} Summary */
/** @typedef {import('./rtcview-types').Finding} Finding */
/** @typedef {{ t0: number, t1: number, raw: boolean, boring: boolean, finding: string | null, open: string[], pc: string | null }} ViewState */

/** The viewer that takes shortcuts typed with nothing focused. */
let lastUsed = null;

/**
 * Creates a viewer UI inside `root`.
 * @param {HTMLElement} root
 * @param {{ pageTheme?: boolean, onViewChange?: (state: ViewState) => void, onRange?: (t0: number, t1: number) => void, svg?: Function }} options
 *   `svg(id, t0, t1, width, height, dark, highlight, origin, name)`: saves
 *   a chart as SVG; its charts get an "SVG" export only when given (the
 *   sharing tools' module draws it for the standalone page and mount();
 *   the embedded viewer has none).
 *   pageTheme: the theme choice also applies to the whole page;
 *   onViewChange: called (at most every 250 ms) when what is shown changes:
 *   the range, the raw-series toggles, the open finding or panels, the
 *   connection jumped to. The state names no data (see `viewState`);
 *   onRange(t0, t1): called at once whenever the time axis moves (the
 *   columns of several dumps move together, calls.js).
 */
export function createUI(root, options = {}) {
  const life = new AbortController();
  const on = (target, type, fn, opts = {}) => target.addEventListener(type, fn, { ...opts, signal: life.signal });
  root.classList.add('rv-root');
  const bar = toolbarElement();
  const sessionBox = el('div', { cls: 'rv-session' });
  // Where a chart's keyboard cursor says its values (charts.js announce).
  const live = el('div', { cls: 'rv-live', attrs: { 'aria-live': 'polite', role: 'status' } });
  root.append(bar, sessionBox, live);
  const q = (sel) => root.querySelector(sel);
  // The view state for links: reported after changes settle.
  let viewTimer = 0;
  let restoring = false;
  function viewChanged() {
    if (!options.onViewChange || restoring) return;
    clearTimeout(viewTimer);
    viewTimer = setTimeout(() => { if (shown.viewer) options.onViewChange(viewState()); }, 250);
  }
  // The sticky toolbar's height, for scroll-margin-top: a jump to a
  // connection or a chart lands below the toolbar, not under it.
  const barSize = new ResizeObserver(() => root.style.setProperty('--rv-bar-h', `${bar.offsetHeight}px`));
  barSize.observe(bar);
  const dark = () => isDark(root);

  const axis = new TimeAxis(() => {
    viewChanged();
    options.onRange?.(axis.t0, axis.t1);
    q('.rv-range').textContent = axis.label();
    minimap.update();
    lanes.layout();
    charts.schedule();
    scheduleTables();
  });
  // The stream tables follow the visible range, recomputed once the range
  // stops moving (a drag or a held key changes it many times a second).
  let tableTimer = 0;
  function scheduleTables() {
    clearTimeout(tableTimer);
    tableTimer = setTimeout(updateTables, 120);
  }
  // Only tables on (or near) the screen are recomputed; the others when
  // they scroll into view (a 16-connection call has 16 of them).
  const tablesInView = new Set();
  const tableObserver = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) { tablesInView.add(e.target); if (e.target.dataset.range !== axis.label()) updateTable(e.target); } else tablesInView.delete(e.target);
    }
  }, { rootMargin: '300px' });
  function updateTable(box) {
    if (!shown.viewer || !shown.summary) return;
    const pc = shown.summary.peerConnections[Number(box.closest('section.pc').dataset.pcIndex)];
    box.dataset.range = axis.label();
    box.replaceChildren(rtpTable(pc, JSON.parse(shown.viewer.rangeStats(pc.id, axis.t0, axis.t1)), box.dataset.range));
  }
  function updateTables() {
    for (const box of tablesInView) updateTable(box);
  }
  /** Sections whose body is not built yet, and how to build it. */
  const pendingSections = new Map();
  /** Builds a pending section's body (its charts with the current options). */
  function fill(sec) {
    const build = pendingSections.get(sec);
    if (!build) return;
    pendingSections.delete(sec);
    sectionObserver.unobserve(sec);
    build();
    const list = chartList();
    const box = sec.querySelector('.charts');
    box?.replaceWith(charts.panel(list, sec.dataset.pcId));
    const streams = sec.querySelector('.rv-streams');
    if (streams) tableObserver.observe(streams);
    charts.schedule();
  }
  const sectionObserver = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) fill(e.target);
  }, { rootMargin: '1500px' });
  /** How many connections are built at once, before any scrolling. */
  const EAGER_SECTIONS = 20;
  const lanes = new Lanes(axis);
  const minimap = new Minimap(axis, q('.rv-minimap'), on);
  const charts = new Charts({ axis, on, dark, onCursor: (t) => lanes.cursor(root, t), svg: options.svg });
  /** What is shown: the viewer (wasm), its summary, the findings panel, the chart options. */
  const shown = { viewer: null, /** @type {Summary | null} */ summary: null, findings: null, raw: false, boring: false,
    /** The metric chart catalog, parsed once (the key chart and the connections' charts). */ metricCharts: [] };

  /** The chart catalog with the current options (raw series, boring ones). */
  function chartList() {
    return (shown.raw ? JSON.parse(shown.viewer.charts(true)) : shown.metricCharts).filter((c) => shown.boring || !c.boring);
  }

  function buildCharts() {
    const list = chartList();
    for (const box of sessionBox.querySelectorAll('.pc')) {
      const old = box.querySelector('.charts');
      if (!old) continue; // not built yet: built with the options of its time
      charts.forget(old);
      old.replaceWith(charts.panel(list, box.dataset.pcId));
    }
  }

  /**
   * Opens a finding: zooms the shared time axis to its ranges, shades them
   * on every chart and swimlane, outlines the charts of its evidence and
   * scrolls to the first.
   * @param {Finding} f
   */
  function openFinding(f) {
    if (!shown.viewer) return;
    shown.finding = f.id;
    viewChanged();
    charts.highlight = f.ranges.flatMap((r) => [r.startMs, r.endMs]);
    for (const fig of sessionBox.querySelectorAll('figure.highlighted')) fig.classList.remove('highlighted');
    if (f.ranges.length) {
      const a = Math.min(...f.ranges.map((r) => r.startMs));
      const b = Math.max(...f.ranges.map((r) => r.endMs));
      const margin = Math.max(5000, (b - a) * 0.25);
      axis.set(a - margin, b + margin);
    }
    const sections = [...sessionBox.querySelectorAll('section.pc')].filter((sec) => f.peerConnection == null || sec.dataset.pcId === f.peerConnection);
    if (f.peerConnection != null) sections.forEach(fill);
    lanes.highlight(sections, f.ranges);
    // The charts of its evidence: its stream's, else its connection's.
    const metrics = findingMetrics(f.kind).split(' ').filter(Boolean);
    const figs = sections.flatMap((sec) => [...sec.querySelectorAll('figure.chart')]);
    const rank = (fig) => metrics.indexOf(fig.dataset.metric);
    let mine = figs.filter((fig) => rank(fig) >= 0 && (!f.stream || fig.dataset.statsId === f.stream.statsId));
    if (!mine.length && !f.stream) mine = figs.filter((fig) => rank(fig) >= 0);
    mine.sort((x, y) => rank(x) - rank(y));
    for (const fig of mine) fig.classList.add('highlighted');
    (mine[0] ?? sections[0])?.scrollIntoView({ block: 'center' });
    charts.schedule();
  }

  /** Marks `t` on every chart, panning (same span) so the mark is in view. */
  function markTime(t) {
    charts.setMark(t);
    if (t < axis.t0 || t > axis.t1) {
      const half = (axis.t1 - axis.t0) / 2;
      axis.set(t - half, t + half);
    }
  }

  function clear() {
    clearTimeout(tableTimer);
    tableObserver.disconnect();
    sectionObserver.disconnect();
    pendingSections.clear();
    tablesInView.clear();
    charts.events.clear();
    charts.clear();
    lanes.clear();
    shown.findings = null;
    shown.finding = null;
    shown.pc = null;
    shown.jump = null;
    shown.summary = null;
    shown.metricCharts = [];
    shown.viewer?.free();
    shown.viewer = null;
    sessionBox.replaceChildren();
    bar.hidden = true;
  }

  /**
   * The worst connection's key chart, on the first screen: the chart of
   * the most severe finding's evidence (its stream's, else its
   * connection's), else the first connection's bitrate.
   * @param {Summary} summary
   */
  function keyChart(summary) {
    const list = shown.metricCharts;
    let f = summary.findings.find((x) => x.peerConnection != null && findingMetrics(x.kind).trim());
    // Its cause's chart where it has one: the loss behind the concealment.
    for (let n = 0; f?.cause && n < 5; n++) {
      const c = summary.findings.find((x) => x.id === f.cause);
      if (!c || !findingMetrics(c.kind).trim()) break;
      f = c;
    }
    let info = null;
    if (f) {
      for (const m of findingMetrics(f.kind).split(' ').filter(Boolean)) {
        info = list.find((c) => c.pcId === f.peerConnection && c.metric === m && (!f.stream || c.statsId === f.stream.statsId))
          ?? list.find((c) => c.pcId === f.peerConnection && c.metric === m);
        if (info) break;
      }
    }
    info ??= list.find((c) => c.metric === 'bitrate') ?? list[0];
    if (!info) return '';
    const box = el('div', { cls: 'key-chart' }, el('h3', { text: `${f && info.pcId === f.peerConnection ? 'The worst connection' : 'First connection'}: ${info.pcId} · ${info.group}` }), charts.figure(info));
    return box;
  }

  /**
   * A connection's section: its heading and one-line state at once, its
   * panels, charts and log when it first comes near the screen (or is
   * jumped to): a session with hundreds of connections must not build
   * hundreds of chart panels up front (the first screens are built at once).
   */
  function peerConnectionSection(viewer, pc, i, events) {
    const states = pc.connectionStates.map((s) => s.state);
    const pair = pc.selectedCandidatePair;
    const sec = el('section', { cls: 'pc', attrs: { 'aria-label': `Peer connection ${pc.id}` } },
      el('h2', {}, txt(`Peer connection ${pc.id} `), outcomeBadge(pc), el('span', { cls: 'pc-hints', text: pcHints(pc) })),
      el('p', { cls: 'pc-line', text: [states.length ? `connection: ${states.join(' → ')}` : null,
        pair ? `selected pair: ${pair.localType ?? '?'} → ${pair.remoteType ?? '?'} over ${pair.protocol ?? '?'}${pair.relayProtocol ? ` (relay ${pair.relayProtocol})` : ''}` : null,
        `${pc.events} events`].filter(Boolean).join(' · ') }),
      el('div', { cls: 'pc-pending', text: 'Building this connection…' }));
    sec.dataset.pcId = pc.id;
    sec.dataset.pcIndex = i;
    pendingSections.set(sec, () => {
      sec.querySelector('.pc-pending')?.replaceWith(configurationPanel(viewer, i, pc), lanes.panel(viewer, i, pc),
        pc.rtp.length ? el('div', { cls: 'rv-streams' }) : '',
        el('div', { cls: 'charts' }), eventLogPanel(events, { on, onMark: markTime }), sdpPanel(viewer, i, on), icePanel(viewer, i));
    });
    return sec;
  }


  function render(viewer, name) {
    clear();
    shown.viewer = viewer;
    /** @type {Summary} */
    const summary = JSON.parse(viewer.summary());
    shown.summary = summary;
    shown.metricCharts = JSON.parse(viewer.charts(false));
    // Open on everything timed: a failure after the last sample is in view.
    axis.open(viewer.timeRange());
    charts.open(viewer);
    // What every chart of a connection marks: its state changes,
    // descriptions (renegotiations), restarts and failures.
    // (Each log is parsed once: its panel takes the same rows.)
    const notable = /^(onconnectionstatechange|oniceconnectionstatechange|setLocalDescription|setRemoteDescription|restartIce)$/;
    const events = summary.peerConnections.map((_, i) => JSON.parse(viewer.events(i)));
    summary.peerConnections.forEach((pc, i) => {
      const rows = events[i].filter((r) => r.tMs != null && (r.failure || notable.test(r.name)));
      charts.events.set(pc.id, rows.map((r) => ({ t: r.tMs, failure: r.failure, text: `${clock(r.tMs, true)} ${r.name}${r.detail ? `: ${r.detail}` : ''}` })));
    });
    shown.findings = findingsPanel(summary, { explanation: scoreExplanation(), onOpen: openFinding, on });
    const jump = (i) => {
      const sec = sessionBox.querySelector(`[data-pc-index="${i}"]`);
      if (sec) fill(sec);
      sec?.scrollIntoView({ block: 'start' });
      shown.pc = sec?.dataset.pcId ?? null;
      viewChanged();
    };
    shown.jump = jump;
    const whole = (id) => JSON.parse(viewer.rangeStats(id, axis.full0, axis.full1));
    const glance = summary.peerConnections.length ? glancePanel(summary, whole, { on, onJump: jump }) : null;
    if (glance) glance.append(keyChart(summary));
    sessionBox.append(shown.findings.element, glance ?? '', overview(summary, name));
    if (summary.peerConnections.length > 1) {
      const nav = el('nav', { cls: 'pcnav', attrs: { 'aria-label': 'Peer connections' } });
      summary.peerConnections.forEach((pc, i) => {
        const link = el('button', { cls: `outcome-${pc.outcome.state}`, attrs: { type: 'button', title: [pc.outcome.label, pcHints(pc)].filter(Boolean).join(' · ') } },
          txt(`${pc.id} `), el('span', { cls: 'outcome-word', text: pc.outcome.label }));
        on(link, 'click', () => jump(i));
        nav.append(link);
      });
      sessionBox.append(nav);
    }
    const clientEvents = JSON.parse(viewer.events(-1));
    if (clientEvents.length) {
      sessionBox.append(el('section', { cls: 'client' }, eventLogPanel(clientEvents, { on, onMark: markTime, title: 'Client events (getUserMedia, devices)' })));
    }
    const sections = summary.peerConnections.map((pc, i) => peerConnectionSection(viewer, pc, i, events[i]));
    sessionBox.append(...sections);
    bar.hidden = false;
    sections.slice(0, EAGER_SECTIONS).forEach(fill);
    for (const sec of sections.slice(EAGER_SECTIONS)) sectionObserver.observe(sec);
    axis.reset();
  }

  // ---------- toolbar and keyboard ----------
  on(q('.rv-zoom-in'), 'click', () => axis.zoom(0.5));
  on(q('.rv-zoom-out'), 'click', () => axis.zoom(2));
  on(q('.rv-pan-left'), 'click', () => axis.pan(-0.25));
  on(q('.rv-pan-right'), 'click', () => axis.pan(0.25));
  on(q('.rv-reset'), 'click', () => axis.reset());
  on(q('.rv-clear-mark'), 'click', () => charts.setMark(null));
  on(q('.rv-raw'), 'change', (e) => { shown.raw = e.target.checked; q('.rv-boring-label').hidden = !shown.raw; if (shown.viewer) buildCharts(); viewChanged(); });
  on(q('.rv-boring'), 'change', (e) => { shown.boring = e.target.checked; if (shown.viewer) buildCharts(); viewChanged(); });
  // A panel opened or closed (toggle does not bubble: captured).
  on(root, 'toggle', (e) => { if (e.target instanceof HTMLElement && e.target.matches('details.panel')) viewChanged(); }, { capture: true });
  on(q('.rv-clock'), 'change', (e) => { axis.relative = e.target.value === 'relative'; axis.set(axis.t0, axis.t1); });
  on(q('.rv-theme'), 'change', (e) => {
    for (const t of options.pageTheme ? [root, document.documentElement] : [root]) {
      if (e.target.value === 'auto') delete t.dataset.theme; else t.dataset.theme = e.target.value;
    }
    charts.schedule();
  });
  on(matchMedia('(prefers-color-scheme: dark)'), 'change', () => charts.schedule());
  on(window, 'resize', () => charts.schedule());
  // Shortcuts work from anywhere on the page: inside this viewer, or with
  // nothing focused (the body) when this is the viewer last used. Never
  // while typing (inputs, selects, text areas, editable content).
  on(root, 'pointerdown', () => { lastUsed = root; });
  on(root, 'focusin', () => { lastUsed = root; });
  lastUsed ??= root;
  on(document, 'keydown', (e) => {
    const t = e.target;
    const mine = root.contains(t) || ((t === document.body || t === document.documentElement || t === document) && lastUsed === root);
    if (!mine || !shown.viewer || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement || t.isContentEditable) return;
    const k = { '+': () => axis.zoom(0.5), '=': () => axis.zoom(0.5), '-': () => axis.zoom(2), ArrowLeft: () => axis.pan(-0.25), ArrowRight: () => axis.pan(0.25), 0: () => axis.reset() }[e.key];
    if (k) { k(); e.preventDefault(); }
  });

  /**
   * What is shown, as plain values for a link: the time range (unix ms),
   * the raw-series toggles, the open finding, the open panels
   * (`<connection index>.<panel>`) and the connection jumped to. Never data.
   * @returns {ViewState}
   */
  function viewState() {
    const open = [...sessionBox.querySelectorAll('section.pc details.panel[open]')]
      .map((d) => `${d.closest('section.pc').dataset.pcIndex}.${d.dataset.panel}`);
    return { t0: Math.round(axis.t0), t1: Math.round(axis.t1), raw: shown.raw, boring: shown.boring,
      finding: shown.finding ?? null, open, pc: shown.pc ?? null };
  }

  /** Restores a `viewState()` on the session shown (what no longer fits is ignored). */
  function restoreView(state) {
    if (!shown.viewer || !state) return;
    restoring = true;
    try {
      if (state.raw != null && state.raw !== shown.raw) { const r = q('.rv-raw'); r.checked = !!state.raw; r.dispatchEvent(new Event('change')); }
      if (state.boring != null && state.boring !== shown.boring) { const b = q('.rv-boring'); b.checked = !!state.boring; b.dispatchEvent(new Event('change')); }
      const f = state.finding && shown.summary?.findings.find((x) => x.id === state.finding);
      if (f) shown.findings?.open(f.id);
      for (const key of state.open ?? []) {
        const [i, panel] = String(key).split('.');
        const sec = sessionBox.querySelector(`section.pc[data-pc-index="${Number(i)}"]`);
        if (!sec) continue;
        fill(sec);
        const d = [...sec.querySelectorAll('details.panel')].find((x) => x.dataset.panel === panel);
        if (d) d.open = true;
      }
      if (Number.isFinite(state.t0) && Number.isFinite(state.t1) && state.t1 > state.t0) axis.set(state.t0, state.t1);
      if (state.pc != null && !f) {
        const i = shown.summary?.peerConnections.findIndex((p) => p.id === state.pc);
        if (i != null && i >= 0) shown.jump?.(i);
      }
    } finally {
      restoring = false;
    }
    viewChanged();
  }

  return {
    render,
    clear,
    viewState,
    restoreView,
    /**
     * Host command select.v1: scroll to a peer connection (its summary `id`)
     * or to one of its streams (the stream's `statsId`, or its SSRC).
     */
    select(pcId, stream) {
      const sec = [...sessionBox.querySelectorAll('section.pc')].find((s) => s.dataset.pcId === pcId) ?? sessionBox.querySelector('section.pc');
      if (sec) fill(sec);
      const pc = shown.summary?.peerConnections.find((p) => p.id === sec?.dataset.pcId);
      const statsId = pc?.rtp.find((r) => r.statsId === String(stream) || (r.ssrc != null && String(r.ssrc) === String(stream)))?.statsId;
      const target = stream != null ? [...(sec?.querySelectorAll('.charts h3') ?? [])].find((h) => h.dataset.statsId === statsId) : sec;
      target?.scrollIntoView({ block: 'start' });
    },
    /** Opens a finding by id (as a click on it does). */
    openFinding(id) { shown.findings?.open(id); },
    /** Host command zoom.v1. */
    zoom(t0, t1) { if (shown.viewer) axis.set(t0, t1); },
    /** Removes everything this UI added and every listener it registered. */
    destroy() {
      clear();
      if (lastUsed === root) lastUsed = null;
      barSize.disconnect();
      tableObserver.disconnect();
      sectionObserver.disconnect();
      life.abort();
      bar.remove();
      sessionBox.remove();
      live.remove();
      root.classList.remove('rv-root');
    },
  };
}
