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

import { el } from './dom.js';
import { findingsPanel } from './findings.js';
import { overview, configurationPanel, icePanel, rtpTable, toolbarElement, eventLogPanel, sdpPanel } from './panels.js';
import { TimeAxis } from './timeline.js';
import { Lanes } from './lanes.js';
import { Charts } from './charts.js';
import { findingMetrics, scoreExplanation } from './pkg/rtcview.js';

/** @typedef {import('./rtcview-types').Summary} Summary */
/** @typedef {import('./rtcview-types').Finding} Finding */

/**
 * Creates a viewer UI inside `root`.
 * @param {HTMLElement} root
 * @param {{ pageTheme?: boolean }} options pageTheme: the theme choice also applies to the whole page
 */
export function createUI(root, options = {}) {
  const life = new AbortController();
  const on = (target, type, fn, opts = {}) => target.addEventListener(type, fn, { ...opts, signal: life.signal });
  root.classList.add('rv-root');
  const bar = toolbarElement();
  const sessionBox = el('div', { cls: 'rv-session' });
  root.append(bar, sessionBox);
  const q = (sel) => root.querySelector(sel);
  const dark = () => {
    const t = root.dataset.theme ?? document.documentElement.dataset.theme;
    return t === 'dark' || (t !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  };

  const axis = new TimeAxis(() => {
    q('.rv-range').textContent = axis.label();
    lanes.layout();
    charts.schedule();
  });
  const lanes = new Lanes(axis);
  const charts = new Charts({ axis, on, dark, onCursor: (t) => lanes.cursor(root, t) });
  /** What is shown: the viewer (wasm), its summary, the findings panel, the chart options. */
  const shown = { viewer: null, /** @type {Summary | null} */ summary: null, findings: null, raw: false, boring: false };

  function buildCharts() {
    const list = JSON.parse(shown.viewer.charts(shown.raw)).filter((c) => shown.boring || !c.boring);
    for (const box of sessionBox.querySelectorAll('.pc')) {
      const old = box.querySelector('.charts');
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
    charts.highlight = f.ranges.flatMap((r) => [r.startMs, r.endMs]);
    for (const fig of sessionBox.querySelectorAll('figure.highlighted')) fig.classList.remove('highlighted');
    if (f.ranges.length) {
      const a = Math.min(...f.ranges.map((r) => r.startMs));
      const b = Math.max(...f.ranges.map((r) => r.endMs));
      const margin = Math.max(5000, (b - a) * 0.25);
      axis.set(a - margin, b + margin);
    }
    const sections = [...sessionBox.querySelectorAll('section.pc')].filter((sec) => f.peerConnection == null || sec.dataset.pcId === f.peerConnection);
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

  function clear() {
    charts.clear();
    lanes.clear();
    shown.findings = null;
    shown.summary = null;
    shown.viewer?.free();
    shown.viewer = null;
    sessionBox.replaceChildren();
    bar.hidden = true;
  }

  function peerConnectionSection(viewer, pc, i) {
    const states = pc.connectionStates.map((s) => s.state);
    const pair = pc.selectedCandidatePair;
    const sec = el('section', { cls: 'pc', attrs: { 'aria-label': `Peer connection ${pc.id}` } },
      el('h2', { text: `Peer connection ${pc.id}` }),
      el('p', { cls: 'pc-line', text: [states.length ? `connection: ${states.join(' → ')}` : null,
        pair ? `selected pair: ${pair.localType ?? '?'} → ${pair.remoteType ?? '?'} over ${pair.protocol ?? '?'}${pair.relayProtocol ? ` (relay ${pair.relayProtocol})` : ''}` : null,
        `${pc.events} events`].filter(Boolean).join(' · ') }),
      configurationPanel(viewer, i, pc), lanes.panel(viewer, i), pc.rtp.length ? rtpTable(pc) : null,
      el('div', { cls: 'charts' }), eventLogPanel(viewer, i, { on, onMark: (t) => charts.setMark(t) }), sdpPanel(viewer, i, on), icePanel(viewer, i));
    sec.dataset.pcId = pc.id;
    sec.dataset.pcIndex = i;
    return sec;
  }

  function render(viewer, name) {
    clear();
    shown.viewer = viewer;
    /** @type {Summary} */
    const summary = JSON.parse(viewer.summary());
    shown.summary = summary;
    // Open on where the stats are; zooming out reaches everything timed.
    axis.open(viewer.timeRange(), viewer.dataRange());
    charts.open(viewer);
    shown.findings = findingsPanel(summary, { explanation: scoreExplanation(), onOpen: openFinding, on });
    sessionBox.append(shown.findings.element, overview(summary, name));
    if (summary.peerConnections.length > 1) {
      const nav = el('nav', { cls: 'pcnav', attrs: { 'aria-label': 'Peer connections' } });
      summary.peerConnections.forEach((pc, i) => {
        const link = el('button', { text: pc.id, attrs: { type: 'button' } });
        on(link, 'click', () => sessionBox.querySelector(`[data-pc-index="${i}"]`)?.scrollIntoView({ block: 'start' }));
        nav.append(link);
      });
      sessionBox.append(nav);
    }
    if (JSON.parse(viewer.events(-1)).length) {
      sessionBox.append(el('section', { cls: 'client' }, eventLogPanel(viewer, -1, { on, onMark: (t) => charts.setMark(t), title: 'Client events (getUserMedia, devices)' })));
    }
    summary.peerConnections.forEach((pc, i) => sessionBox.append(peerConnectionSection(viewer, pc, i)));
    bar.hidden = false;
    buildCharts();
    axis.reset();
  }

  // ---------- toolbar and keyboard ----------
  on(q('.rv-zoom-in'), 'click', () => axis.zoom(0.5));
  on(q('.rv-zoom-out'), 'click', () => axis.zoom(2));
  on(q('.rv-pan-left'), 'click', () => axis.pan(-0.25));
  on(q('.rv-pan-right'), 'click', () => axis.pan(0.25));
  on(q('.rv-reset'), 'click', () => axis.reset());
  on(q('.rv-clear-mark'), 'click', () => charts.setMark(null));
  on(q('.rv-raw'), 'change', (e) => { shown.raw = e.target.checked; q('.rv-boring-label').hidden = !shown.raw; if (shown.viewer) buildCharts(); });
  on(q('.rv-boring'), 'change', (e) => { shown.boring = e.target.checked; if (shown.viewer) buildCharts(); });
  on(q('.rv-theme'), 'change', (e) => {
    for (const t of options.pageTheme ? [root, document.documentElement] : [root]) {
      if (e.target.value === 'auto') delete t.dataset.theme; else t.dataset.theme = e.target.value;
    }
    charts.schedule();
  });
  on(matchMedia('(prefers-color-scheme: dark)'), 'change', () => charts.schedule());
  on(window, 'resize', () => charts.schedule());
  on(root, 'keydown', (e) => {
    if (!shown.viewer || e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = { '+': () => axis.zoom(0.5), '=': () => axis.zoom(0.5), '-': () => axis.zoom(2), ArrowLeft: () => axis.pan(-0.25), ArrowRight: () => axis.pan(0.25), 0: () => axis.reset() }[e.key];
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
      life.abort();
      bar.remove();
      sessionBox.remove();
      root.classList.remove('rv-root');
    },
  };
}
