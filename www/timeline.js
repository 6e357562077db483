// The shared time axis: the visible range [t0, t1] (unix ms) of every
// chart, swimlane and log mark, kept inside the session's timed range.
// Zoom, pan and reset move it; `onChange` redraws what follows it.

import { clock } from './dom.js';

/** The narrowest range one can zoom to. */
const MIN_SPAN_MS = 50;

export class TimeAxis {
  /** @param {() => void} onChange called after every change of the range */
  constructor(onChange) {
    this.onChange = onChange;
    this.t0 = 0; this.t1 = 1;
    // Everything timed: the limits, the opening view and "reset".
    this.full0 = 0; this.full1 = 1;
    // Times read as time since the session's start (+m:ss), not UTC.
    this.relative = false;
  }

  /** Where the time axis counts from in relative mode (for the chart axes), else undefined. */
  origin() { return this.relative ? this.full0 : undefined; }

  /** `t` as the axis shows it: UTC clock, or `+m:ss` since the start. */
  text(t, withMs = false) {
    if (!this.relative) return clock(t, withMs);
    const d = Math.abs(t - this.full0);
    const s = Math.floor(d / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    const mmss = `${h ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(s % 60).padStart(2, '0')}`;
    return `${t < this.full0 ? '−' : '+'}${mmss}${withMs ? `.${String(Math.floor(d % 1000)).padStart(3, '0')}` : ''}`;
  }

  /** A new session: `[a, b]` its whole timed range (events, states, samples). */
  open([a, b]) {
    this.full0 = a ?? 0; this.full1 = b ?? 1;
    if (this.full1 <= this.full0) this.full1 = this.full0 + 1000;
    // A little past the last event, so the state it set is seen, not a
    // zero-wide sliver at the edge.
    this.full1 += Math.max(500, (this.full1 - this.full0) * 0.02);
  }

  /** Shows [t0, t1], clamped to the session. */
  set(t0, t1) {
    const span = Math.max(t1 - t0, MIN_SPAN_MS);
    if (span >= this.full1 - this.full0) { t0 = this.full0; t1 = this.full1; } else {
      t0 = Math.min(Math.max(t0, this.full0), this.full1 - span);
      t1 = t0 + span;
    }
    this.t0 = t0; this.t1 = t1;
    this.onChange();
  }

  /** Scales the span by `factor` around `at` (default: the middle). */
  zoom(factor, at = (this.t0 + this.t1) / 2) { this.set(at - (at - this.t0) * factor, at + (this.t1 - at) * factor); }

  /** Moves by `fraction` of the span (negative: earlier). */
  pan(fraction) { const d = (this.t1 - this.t0) * fraction; this.set(this.t0 + d, this.t1 + d); }

  /** Back to the opening view: everything. */
  reset() { this.set(this.full0, this.full1); }

  /** Where `t` falls in the visible range: 0 at t0, 1 at t1. */
  fraction(t) { return (t - this.t0) / (this.t1 - this.t0); }

  /** The range in words, for the toolbar. */
  label() {
    return `${this.text(this.t0, true)} – ${this.text(this.t1, true)} ${this.relative ? 'since start' : 'UTC'} (${((this.t1 - this.t0) / 1000).toFixed(1)} s)`;
  }
}

/**
 * The whole call as a strip under the toolbar, the visible range as a
 * window on it: drag the window (or click the strip) to move the view.
 */
export class Minimap {
  /** @param {TimeAxis} axis @param {HTMLElement} strip */
  constructor(axis, strip, on) {
    this.axis = axis; this.strip = strip;
    this.win = strip.querySelector('.rv-minimap-window');
    let grab = null;
    const at = (clientX) => {
      const box = strip.getBoundingClientRect();
      return axis.full0 + ((clientX - box.left) / box.width) * (axis.full1 - axis.full0);
    };
    on(strip, 'pointerdown', (e) => {
      const t = at(e.clientX), half = (axis.t1 - axis.t0) / 2;
      // On the window: keep the grab point under the pointer; elsewhere: centre there.
      grab = t >= axis.t0 && t <= axis.t1 ? t - axis.t0 : half;
      axis.set(t - grab, t - grab + (axis.t1 - axis.t0));
      strip.setPointerCapture?.(e.pointerId);
      e.preventDefault();
    });
    on(strip, 'pointermove', (e) => {
      if (grab == null) return;
      const t = at(e.clientX);
      axis.set(t - grab, t - grab + (axis.t1 - axis.t0));
    });
    on(strip, 'pointerup', () => { grab = null; });
    on(strip, 'pointercancel', () => { grab = null; });
  }

  update() {
    const { t0, t1, full0, full1 } = this.axis;
    const w = full1 - full0;
    this.win.style.left = `${((t0 - full0) / w) * 100}%`;
    this.win.style.width = `${Math.max(0.5, ((t1 - t0) / w) * 100)}%`;
  }
}
