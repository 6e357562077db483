// A UDP relay between the two browsers of a scenario call, which impairs
// each direction on the recorder's schedule: random or bursty loss, a rate
// cap with a bounded queue (like tc tbf), delay and jitter (which the
// kernel here cannot do: no netem), and a link that is down.
//
// Each browser is told that the other's only candidate is one of the
// relay's two sockets: `toB` stands for B (A sends to it), `toA` for A.
// A packet arriving at `toB` came from A and leaves from `toA` to B's real
// address, so each browser sees the other at the address it was told.
import dgram from 'node:dgram';

/** What a direction does to packets; every field optional. */
// { down: bool, lossPct: number, burst: { p, r } (Gilbert-Elliott: p = P(good→bad),
//   r = P(bad→good), every packet in bad is lost), rateKbps, queueMs (default 200),
//   delayMs, jitterMs (each packet's delay drawn on its own, as netem does, so
//   packets can overtake each other; with `inOrder` a packet never overtakes
//   the previous one, which smooths the jitter the receiver measures) }
class Direction {
  constructor(name) {
    this.name = name;
    this.spec = {};
    this.bad = false;
    this.busyUntil = 0; // the rate cap's queue drains at this time
    this.lastDelivery = 0;
    this.stats = { in: 0, out: 0, lost: 0, queueDrops: 0 };
  }

  /** When to deliver a packet of `bytes` arriving now, or null to drop it. */
  schedule(bytes, now) {
    const s = this.spec;
    this.stats.in++;
    if (s.down) { this.stats.lost++; return null; }
    if (s.burst) {
      this.bad = this.bad ? Math.random() >= s.burst.r : Math.random() < s.burst.p;
      if (this.bad) { this.stats.lost++; return null; }
    }
    if (s.lossPct && Math.random() * 100 < s.lossPct) { this.stats.lost++; return null; }
    let at = now;
    if (s.rateKbps) {
      const start = Math.max(now, this.busyUntil);
      if (start - now > (s.queueMs ?? 200)) { this.stats.queueDrops++; return null; }
      this.busyUntil = start + (bytes * 8) / s.rateKbps; // kbit/s = bit/ms
      at = this.busyUntil;
    }
    if (s.delayMs || s.jitterMs) {
      const j = s.jitterMs ? (Math.random() * 2 - 1) * s.jitterMs : 0;
      at += Math.max(0, (s.delayMs ?? 0) + j);
      if (s.inOrder) at = Math.max(at, this.lastDelivery);
    }
    this.lastDelivery = at;
    this.stats.out++;
    return at;
  }
}

export class Relay {
  /** Binds the two sockets on `host` (the browsers' candidate address). */
  static async open(host) {
    const r = new Relay();
    r.host = host;
    r.real = { A: null, B: null };
    r.dir = { AtoB: new Direction('A→B'), BtoA: new Direction('B→A') };
    r.toA = dgram.createSocket('udp4');
    r.toB = dgram.createSocket('udp4');
    await Promise.all([r.toA, r.toB].map((s) => new Promise((ok) => s.bind(0, host, ok))));
    r.toB.on('message', (msg, from) => { r.real.A = from; r.forward(msg, r.dir.AtoB, r.toA, () => r.real.B); });
    r.toA.on('message', (msg, from) => { r.real.B = from; r.forward(msg, r.dir.BtoA, r.toB, () => r.real.A); });
    return r;
  }

  /** The address B is told A is at, and the one A is told B is at. */
  get addrOfA() { return { address: this.host, port: this.toA.address().port }; }
  get addrOfB() { return { address: this.host, port: this.toB.address().port }; }

  /** Where A (or B) really is: from its candidate until its packets say (a
   *  restarted ICE may move it to another port). */
  setReal(side, address, port) { this.real[side] = { address, port }; }

  forward(msg, dir, out, to) {
    const now = performance.now();
    const at = dir.schedule(msg.length, now);
    if (at == null) return;
    const send = () => { const t = to(); if (t) out.send(msg, t.port, t.address); };
    if (at <= now + 0.5) send(); else setTimeout(send, at - now);
  }

  /** Sets what `which` ('AtoB', 'BtoA' or 'both') does from now on. */
  impair(which, spec) {
    for (const k of which === 'both' ? ['AtoB', 'BtoA'] : [which]) {
      this.dir[k].spec = { ...spec };
      this.dir[k].bad = false;
    }
  }

  counters() { return { AtoB: this.dir.AtoB.stats, BtoA: this.dir.BtoA.stats }; }

  close() { this.toA.close(); this.toB.close(); }
}
