// The charts: a figure per chart of the catalog, drawn by the wasm with
// plotters on its canvas, only while on screen (an IntersectionObserver)
// and at most once per animation frame. The pointer on a chart moves the
// cursor (values read out on every chart), a drag selects a range, the
// wheel zooms (Ctrl/⌘) or pans (Shift), a double-click resets.

import { el, table, clock, download, csvField } from './dom.js';
import { lineColors } from './pkg/rtcview.js';

const CHART_HEIGHT = 150;

/** Sizes `canvas` to its CSS width and `height` CSS pixels at the device
 *  pixel ratio, which it returns (the charts here, calls.js's figures). */
export function fitCanvas(canvas, height) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const h = Math.round(height * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  return dpr;
}

const palettes = {};
/** Colours the legend swatches under `box` as Rust draws line k (its
 *  colour and dash, `lineColors`). */
export function paintSwatches(box, isDark) {
  const colors = (palettes[isDark] ??= lineColors(isDark).split(';'));
  for (const sw of box.querySelectorAll('.swatch')) sw.style.background = colors[sw.dataset.line % colors.length];
}

/** @typedef {import('./rtcview-types').ChartInfo} ChartInfo */

export class Charts {
  /**
   * @param {{ axis: import('./timeline.js').TimeAxis, on: Function, dark: () => boolean, onCursor: (t: number | null) => void, svg?: Function }} deps
   *   svg: saves a chart as SVG (createUI's option); without it no SVG export.
   */
  constructor({ axis, on, dark, onCursor, svg }) {
    this.axis = axis; this.on = on; this.dark = dark; this.onCursor = onCursor; this.svg = svg;
    this.viewer = null;
    this.visible = new Set();
    this.observer = null;
    this.frame = 0;
    this.drag = null;
    /** Per connection id: its notable events, drawn as ticks on its charts. */
    this.events = new Map();
    this.cursor = null;
    this.mark = null;
    // The finding being looked at: its ranges, flat [start, end, ...].
    this.highlight = [];
    // One mouseup for every chart: ends a drag-select.
    on(window, 'mouseup', (e) => this.endDrag(e));
  }

  /** A new session: figures are drawn as they scroll into view. */
  open(viewer) {
    this.viewer = viewer;
    this.cursor = null; this.mark = null; this.highlight = [];
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) { this.visible.add(e.target); this.draw(e.target); } else this.visible.delete(e.target);
      }
    }, { rootMargin: '200px' });
  }

  clear() {
    this.observer?.disconnect();
    this.visible.clear();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.viewer = null;
    this.highlight = [];
  }

  /** The charts of peer connection `pcId`, grouped under headings that carry the stream's stats id. */
  panel(charts, pcId) {
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
      grid.append(this.figure(c));
    }
    if (!box.childElementCount) box.append(el('p', { cls: 'muted', text: 'No stats to chart for this connection.' }));
    return box;
  }

  /** Stops watching the figures under `box` (before it is replaced). */
  forget(box) {
    for (const f of box.querySelectorAll('figure')) { this.observer?.unobserve(f); this.visible.delete(f); }
  }

  /** @param {ChartInfo} info */
  figure(info) {
    const legend = el('span', { cls: 'legend' });
    info.lines.forEach((l, k) => legend.append(el('span', { cls: 'swatch', attrs: { 'data-line': k } }), el('span', { text: l })));
    const actions = el('span', { cls: 'chart-actions' });
    for (const [what, label] of [['png', 'PNG'], ...(this.svg ? [['svg', 'SVG']] : []), ['csv', 'CSV'], ['table', 'Table']]) {
      const b = el('button', { cls: 'link', text: label, attrs: { type: 'button', 'data-export': what, 'aria-label': `${label} of ${info.title}` } });
      this.on(b, 'click', () => this.export(fig, info, what));
      actions.append(b);
    }
    const fig = el('figure', { cls: 'chart' },
      el('figcaption', {}, el('span', { cls: 'title', text: info.title }), info.unit ? el('span', { cls: 'unit', text: info.unit }) : null, legend, actions, el('span', { cls: 'readout' })),
      el('div', { cls: 'plot' }, el('canvas', { attrs: { height: CHART_HEIGHT, 'aria-label': `${info.title} chart`, role: 'img', tabindex: '0' } }), el('span', { cls: 'selection' })));
    fig.querySelector('.selection').hidden = true;
    fig.dataset.id = info.id;
    fig.dataset.metric = info.metric;
    fig.dataset.statsId = info.statsId;
    fig.dataset.pcId = info.pcId;
    if (info.bands.length) fig.append(el('p', { cls: 'bands', text: `Shaded: quality limited by ${[...new Set(info.bands.map((b) => b.label))].join(', ')}` }));
    this.attachInput(fig);
    this.observer.observe(fig);
    return fig;
  }

  /**
   * A chart's visible range out of the page: `png` (the canvas as drawn,
   * at the device pixel ratio), `csv` (every sample in the range: time in
   * ISO and unix ms, a column per line with its unit), `table` (its table
   * twin under the chart, at most 200 rows, toggled).
   */
  export(fig, info, what) {
    if (!this.viewer) return;
    const name = `rtcview-${info.pcId}-${info.metric}-${info.statsId}`.replace(/[^A-Za-z0-9._-]+/g, '_');
    const { t0, t1 } = this.axis;
    const canvas = fig.querySelector('canvas');
    if (what === 'png') return canvas.toBlob((b) => b && download(b, `${name}.png`), 'image/png');
    if (what === 'svg') return this.svg(info.id, t0, t1, canvas.clientWidth, CHART_HEIGHT, this.dark(), this.highlight, this.axis.origin(), name);
    const series = JSON.parse(this.viewer.chartSeries(info.id, t0, t1));
    const times = [...new Set(series.flatMap((s) => s.t))].sort((a, b) => a - b);
    const at = series.map((s) => new Map(s.t.map((t, k) => [t, s.v[k]])));
    const unit = info.unit ? ` (${info.unit})` : '';
    if (what === 'csv') {
      const rows = [['time (UTC)', 'unix ms', ...series.map((s) => `${s.label}${unit}`)].map(csvField).join(',')];
      for (const t of times) rows.push([new Date(t).toISOString(), t, ...at.map((m) => m.get(t))].map(csvField).join(','));
      download(new Blob([rows.join('\r\n') + '\r\n'], { type: 'text/csv' }), `${name}.csv`);
      return;
    }
    const old = fig.querySelector('table.chart-table');
    if (old) { old.remove(); return; }
    const step = Math.max(1, Math.ceil(times.length / 200));
    const shown = times.filter((_, k) => k % step === 0);
    const t = table(['Time (UTC)', ...series.map((s) => `${s.label}${unit}`)],
      shown.map((tt) => [clock(tt, true), ...at.map((m) => { const v = m.get(tt); return v == null ? null : Number(v).toFixed(Math.abs(v) < 10 ? 2 : 0); })]), 'chart-table');
    t.prepend(el('caption', { text: `${info.title}, ${this.axis.label()}${step > 1 ? `, every ${step}th of ${times.length} samples` : `, ${times.length} samples`}` }));
    fig.append(t);
  }

  /** The sample times of a chart's lines in the visible range. */
  sampleTimes(fig) {
    const series = JSON.parse(this.viewer.chartSeries(fig.dataset.id, this.axis.t0, this.axis.t1));
    return [...new Set(series.flatMap((s) => s.t))].sort((a, b) => a - b);
  }

  key(fig, e) {
    if (!this.viewer || e.ctrlKey || e.metaKey || e.altKey) return;
    const move = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    if (move != null || e.key === 'Home' || e.key === 'End') {
      const times = this.sampleTimes(fig);
      if (!times.length) return;
      let k;
      if (e.key === 'Home') k = 0;
      else if (e.key === 'End') k = times.length - 1;
      else {
        const here = this.cursor == null ? (move > 0 ? -1 : times.length) : times.findIndex((t) => t >= this.cursor);
        const from = here < 0 ? (this.cursor == null ? -1 : times.length) : here;
        k = Math.min(times.length - 1, Math.max(0, from + move * (e.shiftKey ? 10 : 1)));
      }
      this.setCursor(times[k]);
      this.announce(fig);
      e.preventDefault();
    } else if (e.key === 'Escape') {
      this.setCursor(null);
      e.preventDefault();
    } else if ((e.key === '+' || e.key === '=' || e.key === '-') && this.cursor != null) {
      this.axis.zoom(e.key === '-' ? 2 : 0.5, this.cursor);
      e.preventDefault();
    }
  }

  /** Says the values at the cursor in the viewer's live region. */
  announce(fig) {
    const live = fig.closest('.rv-root')?.querySelector('.rv-live');
    if (!live || this.cursor == null) return;
    const vals = JSON.parse(this.viewer.valuesAt(fig.dataset.id, this.cursor));
    const unit = fig.querySelector('figcaption .unit')?.textContent ?? '';
    live.textContent = `${fig.querySelector('figcaption .title').textContent} at ${this.axis.text(this.cursor, true)}: ${vals.map((v) => `${v.label} ${v.value == null ? 'no value' : `${Number(v.value).toFixed(v.value < 10 ? 2 : 0)} ${unit}`}`).join(', ')}`;
  }

  /** The chart in words, for assistive tech (on focus): the range, and per
   *  line its mean, lowest and highest, and its worst 10 s. */
  describe(fig) {
    if (!this.viewer) return;
    const stats = JSON.parse(this.viewer.rangeStats(fig.dataset.pcId, this.axis.t0, this.axis.t1))
      .find((c) => c.statsId === fig.dataset.statsId && c.metric === fig.dataset.metric);
    const unit = fig.querySelector('figcaption .unit')?.textContent ?? '';
    const n = (x) => Number(x).toFixed(Math.abs(x) < 10 ? 2 : 0);
    const lines = (stats?.lines ?? []).map((l) => `${l.label}: mean ${n(l.mean)} ${unit}, from ${n(l.min)} to ${n(l.max)}${l.worst ? `, worst 10 s ${n(l.worst.mean)} at ${this.axis.text(l.worst.startMs)}` : ''}`);
    const values = stats ? `${lines.length ? lines.join('; ') : 'No values in this range'}. ` : '';
    fig.querySelector('canvas').setAttribute('aria-description', `${this.axis.label()}. ${values}Arrow keys move a cursor sample by sample.`);
  }

  /** Redraws the visible charts and readouts at the next animation frame. */
  schedule() {
    if (this.frame || !this.viewer) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.viewer) return;
      for (const fig of this.visible) this.draw(fig);
      this.readouts();
    });
  }

  draw(fig) {
    const canvas = fig.querySelector('canvas');
    const dpr = fitCanvas(canvas, CHART_HEIGHT);
    try {
      const start = performance.now();
      const dark = this.dark();
      fig.rect = this.viewer.drawChart(canvas, fig.dataset.id, this.axis.t0, this.axis.t1, this.cursor ?? undefined, this.mark ?? undefined, dpr, dark,
        this.highlight.length ? new Float64Array(this.highlight) : undefined, this.axis.origin());
      fig.dpr = dpr;
      this.placeTicks(fig);
      paintSwatches(fig, dark);
      // On the page's performance timeline: what a zoom or pan costs.
      performance.measure('rtcview:draw', { start, detail: fig.dataset.id });
    } catch (e) {
      fig.querySelector('.readout').textContent = `could not draw: ${e.message}`;
    }
  }

  /**
   * The connection's notable events (state changes, descriptions,
   * failures) as thin marks over the plot; hovering one names it.
   */
  placeTicks(fig) {
    const list = this.events.get(fig.dataset.pcId) ?? [];
    let box = fig.querySelector('.ticks');
    if (!box) { box = el('div', { cls: 'ticks', attrs: { 'aria-hidden': 'true' } }); fig.querySelector('.plot').append(box); }
    const [l, r, top, bottom] = fig.rect.map((v) => v / fig.dpr);
    const { t0, t1 } = this.axis;
    const shown = list.filter((e) => e.t >= t0 && e.t <= t1);
    while (box.childElementCount < shown.length) box.append(el('span', { cls: 'tick' }));
    [...box.children].forEach((s, k) => {
      const e = shown[k];
      s.hidden = !e;
      if (!e) return;
      s.title = e.text;
      s.classList.toggle('bad', e.failure);
      s.style.left = `${l + ((e.t - t0) / (t1 - t0)) * (r - l)}px`;
      s.style.top = `${top}px`;
      s.style.height = `${bottom - top}px`;
    });
  }

  /** The time under `clientX` on `fig`'s plot area, or null outside it. */
  timeAt(fig, clientX) {
    if (!fig.rect) return null;
    const box = fig.querySelector('canvas').getBoundingClientRect();
    const x = (clientX - box.left) * fig.dpr;
    const [l, r] = fig.rect;
    if (x < l || x > r) return null;
    return this.axis.t0 + ((x - l) / (r - l)) * (this.axis.t1 - this.axis.t0);
  }

  readouts() {
    for (const fig of this.visible) {
      const out = fig.querySelector('.readout');
      if (this.cursor == null) { out.textContent = ''; continue; }
      /** @type {import('./rtcview-types').Readout[]} */
      const vals = JSON.parse(this.viewer.valuesAt(fig.dataset.id, this.cursor));
      out.textContent = `${this.axis.text(this.cursor, true)}  ` + vals.map((v) => `${v.label} ${v.value == null ? '–' : Number(v.value).toFixed(v.value < 10 ? 2 : 0)}`).join('  ');
    }
    this.onCursor(this.cursor);
  }

  setCursor(t) {
    if (t === this.cursor) return;
    this.cursor = t;
    this.schedule();
  }

  setMark(t) { this.mark = t; this.schedule(); }

  attachInput(fig) {
    const { on, axis } = this;
    const canvas = fig.querySelector('canvas');
    const sel = fig.querySelector('.selection');
    on(canvas, 'mousemove', (e) => {
      const t = this.timeAt(fig, e.clientX);
      this.setCursor(t);
      const d = this.drag;
      if (d?.pan && d.fig === fig) {
        // Drag-to-pan: the time under the pointer stays under it.
        const plotPx = (fig.rect[1] - fig.rect[0]) / fig.dpr;
        const dt = ((e.clientX - d.x) / plotPx) * (d.t1 - d.t0);
        axis.set(d.t0 - dt, d.t1 - dt);
        return;
      }
      if (d && d.fig === fig && t != null) {
        const box = canvas.getBoundingClientRect();
        const a = Math.min(d.x, e.clientX) - box.left, b = Math.max(d.x, e.clientX) - box.left;
        sel.hidden = false; sel.style.left = `${a}px`; sel.style.width = `${b - a}px`;
      }
    });
    on(canvas, 'mouseleave', () => this.setCursor(null));
    // The keyboard: with a chart focused, ← / → move the time cursor one
    // sample (Shift: ten), Home / End to the range's ends, Escape clears
    // it; the values at the cursor are announced (live region). + / −
    // zoom around it. The page's own shortcuts (pan) do not see these.
    on(canvas, 'focus', () => this.describe(fig));
    on(canvas, 'keydown', (e) => this.key(fig, e));
    on(canvas, 'mousedown', (e) => {
      const t = this.timeAt(fig, e.clientX);
      if (t == null) return;
      // Shift+drag or the middle button pans; a plain drag selects a range.
      if (e.button === 1 || (e.button === 0 && e.shiftKey)) {
        this.drag = { fig, x: e.clientX, pan: true, t0: axis.t0, t1: axis.t1 };
        e.preventDefault();
      } else if (e.button === 0) { this.drag = { fig, x: e.clientX, t }; e.preventDefault(); }
    });
    on(canvas, 'dblclick', () => axis.reset());
    on(canvas, 'wheel', (e) => {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        axis.zoom(e.deltaY > 0 ? 1.25 : 0.8, this.timeAt(fig, e.clientX) ?? undefined);
      } else if (e.shiftKey) {
        e.preventDefault();
        axis.pan((e.deltaY || e.deltaX) > 0 ? 0.1 : -0.1);
      }
    }, { passive: false });
  }

  endDrag(e) {
    const d = this.drag;
    if (!d) return;
    this.drag = null;
    if (d.pan) return;
    d.fig.querySelector('.selection').hidden = true;
    const t = this.timeAt(d.fig, e.clientX) ?? (e.clientX < d.x ? this.axis.t0 : this.axis.t1);
    if (Math.abs(e.clientX - d.x) > 4) this.axis.set(Math.min(d.t, t), Math.max(d.t, t));
  }
}
