// State swimlanes: each state machine of a peer connection as time
// segments on the shared axis, a cursor line, and the shaded ranges of the
// finding being looked at.

import { el, clock } from './dom.js';

export class Lanes {
  /** @param {import('./timeline.js').TimeAxis} axis */
  constructor(axis) {
    this.axis = axis;
    /** Everything placed on the axis: segments and highlights (`data-t0`/`data-t1`). */
    this.placed = [];
    this.marks = [];
  }

  /** The swimlanes of peer connection `i` (`pc`: its summary). */
  panel(viewer, i, pc) {
    /** @type {import('./rtcview-types').Lane[]} */
    const lanes = JSON.parse(viewer.lanes(i));
    const box = el('div', { cls: 'lanes', attrs: { role: 'group', 'aria-label': 'State swimlanes' } });
    for (const lane of lanes) {
      const track = el('div', { cls: 'lane-track' });
      const row = el('div', { cls: 'lane' }, el('span', { cls: 'lane-name', text: lane.name }), track);
      lane.segments.forEach((seg, k) => {
        const s = el('span', { cls: `seg st-${seg.state.replace(/[^a-z-]/g, '')}`, text: seg.state, attrs: { title: `${seg.state}: ${clock(seg.t0Ms, true)} – ${clock(seg.t1Ms, true)} UTC` } });
        // The last state holds to the end of the axis (past the last
        // event), so a `failed` that ends the call is not zero wide.
        s.dataset.t0 = seg.t0Ms; s.dataset.t1 = k === lane.segments.length - 1 ? Infinity : seg.t1Ms;
        track.append(s);
        this.placed.push(s);
      });
      if (lane.untimed.length) track.append(el('span', { cls: 'untimed', text: `${lane.untimed.join(' → ')} (no timestamps in this dump)` }));
      if (!lane.segments.length && !lane.untimed.length) {
        track.append(el('span', { cls: 'untimed', text: pc?.outcome.wasConnected === false ? 'no changes recorded: never connected' : 'no changes recorded' }));
      }
      const cur = el('span', { cls: 'lane-cursor' }); cur.hidden = true;
      track.append(cur);
      box.append(row);
    }
    return box;
  }

  /** Places every segment and highlight for the visible range. */
  layout() {
    const { t0, t1 } = this.axis;
    const span = t1 - t0;
    for (const s of this.placed) {
      const a = Math.max(Number(s.dataset.t0), t0), b = Math.min(Number(s.dataset.t1), t1);
      s.hidden = b <= a;
      if (b > a) { s.style.left = `${((a - t0) / span) * 100}%`; s.style.width = `${((b - a) / span) * 100}%`; }
    }
  }

  /** Shades `ranges` on every lane of `sections`, replacing the previous ones. */
  highlight(sections, ranges) {
    for (const m of this.marks) m.remove();
    this.placed = this.placed.filter((s) => !this.marks.includes(s));
    this.marks = [];
    // At least a sliver wide, so an instant shows.
    const minWidth = (this.axis.t1 - this.axis.t0) / 400;
    for (const sec of sections) {
      for (const track of sec.querySelectorAll('.lane-track')) {
        for (const r of ranges) {
          const m = el('span', { cls: 'lane-highlight', attrs: { 'aria-hidden': 'true' } });
          m.dataset.t0 = r.startMs; m.dataset.t1 = Math.max(r.endMs, r.startMs + minWidth);
          track.append(m);
          this.marks.push(m);
          this.placed.push(m);
        }
      }
    }
    this.layout();
  }

  /** Moves the cursor line of every lane under `root` to `t` (null: hide). */
  cursor(root, t) {
    const f = t == null ? null : this.axis.fraction(t);
    for (const c of root.querySelectorAll('.lane-cursor')) {
      c.hidden = f == null || f < 0 || f > 1;
      if (f != null) c.style.left = `${(f * 100).toFixed(3)}%`;
    }
  }

  clear() { this.placed = []; this.marks = []; }
}
