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
    // Everything timed (the limits), and where the stats are (the opening view).
    this.full0 = 0; this.full1 = 1;
    this.data0 = 0; this.data1 = 1;
  }

  /** A new session: `full` its whole timed range, `data` where its stats are. */
  open([a, b], [d0, d1]) {
    this.full0 = a ?? 0; this.full1 = b ?? 1;
    if (this.full1 <= this.full0) this.full1 = this.full0 + 1000;
    this.data0 = d0 ?? this.full0; this.data1 = d1 > d0 ? d1 : this.full1;
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

  /** Back to the opening view. */
  reset() { this.set(this.data0, this.data1); }

  /** Where `t` falls in the visible range: 0 at t0, 1 at t1. */
  fraction(t) { return (t - this.t0) / (this.t1 - this.t0); }

  /** The range in words, for the toolbar. */
  label() { return `${clock(this.t0, true)} – ${clock(this.t1, true)} UTC (${((this.t1 - this.t0) / 1000).toFixed(1)} s)`; }
}
