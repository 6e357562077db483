// One end of a scenario call (scripts/scenarios/record.mjs drives it with
// Playwright). Records what the page does the way rtcstats-js does: every
// RTCPeerConnection call and callback, getUserMedia, track and sender API
// calls, track mute/unmute/ended, and getStats every second, as rtcstats
// fileFormat 3 lines with plain method names and time deltas.
// Signaling is the recorder's job: it moves descriptions between the two
// browsers (rewriting candidates to go through its impairing relay).
'use strict';

const lines = [];
let last = 0;
const now = () => Date.now();
function log(method, pc, value, ...extras) {
  const t = now();
  const delta = last === 0 ? t : t - last;
  last = t;
  lines.push(JSON.stringify([method, pc, value === undefined ? null : value, ...extras, delta]));
}
const desc = (d) => d && { type: d.type, sdp: d.sdp };
const trackJson = (t) => ({ id: t.id, kind: t.kind, label: t.label, enabled: t.enabled, muted: t.muted, readyState: t.readyState });
const errorJson = (e) => ({ name: e.name, message: e.message, constraint: e.constraint });

function watchTrack(track, pcId) {
  track.addEventListener('mute', () => log('MediaStreamTrack.onmute', pcId, trackJson(track), track.id));
  track.addEventListener('unmute', () => log('MediaStreamTrack.onunmute', pcId, trackJson(track), track.id));
  track.addEventListener('ended', () => log('MediaStreamTrack.onended', pcId, trackJson(track), track.id));
}

async function getUserMedia(constraints) {
  const id = `gum-${Math.random().toString(36).slice(2, 8)}`;
  log('navigator.mediaDevices.getUserMedia', null, constraints, id);
  try {
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    log('navigator.mediaDevices.getUserMediaOnSuccess', null, { id: stream.id, tracks: stream.getTracks().map(trackJson) }, id);
    for (const t of stream.getTracks()) watchTrack(t, null);
    return stream;
  } catch (e) {
    log('navigator.mediaDevices.getUserMediaOnFailure', null, errorJson(e), id);
    throw e;
  }
}

const PC_ID = 'PC_0';
let pc = null;
let stream = null;
let statsTimer = 0;
const senders = {};

function instrument(p) {
  const props = { signalingstatechange: 'signalingState', iceconnectionstatechange: 'iceConnectionState',
    connectionstatechange: 'connectionState', icegatheringstatechange: 'iceGatheringState' };
  for (const [ev, prop] of Object.entries(props)) p.addEventListener(ev, () => log(`on${ev}`, PC_ID, p[prop]));
  p.addEventListener('negotiationneeded', () => log('onnegotiationneeded', PC_ID, null));
  p.addEventListener('icecandidate', (e) => log('onicecandidate', PC_ID, e.candidate && e.candidate.toJSON()));
  p.addEventListener('icecandidateerror', (e) => log('onicecandidateerror', PC_ID,
    { url: e.url, address: e.address, port: e.port, errorCode: e.errorCode, errorText: e.errorText }));
  p.addEventListener('track', (e) => {
    log('ontrack', PC_ID, `${e.track.kind}:${e.track.id} stream:${e.streams[0]?.id ?? ''}`);
    watchTrack(e.track, PC_ID);
    if (e.track.kind === 'video') document.getElementById('remote').srcObject = e.streams[0] ?? new MediaStream([e.track]);
  });
}

async function call(method, fn, value) {
  log(method, PC_ID, value);
  try {
    const r = await fn();
    // An implicit setLocalDescription() is logged with the description it made.
    const value = method === 'setLocalDescription' ? desc(pc.localDescription) : null;
    log(`${method}OnSuccess`, PC_ID, value);
    return r;
  } catch (e) {
    log(`${method}OnFailure`, PC_ID, e.toString());
    throw e;
  }
}

async function pollStats() {
  if (!pc) return;
  const report = await pc.getStats();
  const out = {};
  report.forEach((s) => { out[s.id] = s; });
  log('getStats', PC_ID, out);
}

function waitGathered() {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 5000);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
    });
  });
}

window.rv = {
  /** Client `create`, getUserMedia (a failing request first when asked),
   *  the peer connection with the fake camera and microphone. */
  async start({ config = {}, gum = { audio: true, video: { width: 640, height: 360, frameRate: 30 } }, failFirstGum = false, sendMedia = true }) {
    log('create', null, { hardwareConcurrency: navigator.hardwareConcurrency, userAgentData: navigator.userAgentData?.toJSON?.() ?? null,
      userAgent: navigator.userAgent, screen: { width: screen.width, height: screen.height }, window: { width: innerWidth, height: innerHeight } });
    if (failFirstGum) {
      try { await getUserMedia({ audio: true, video: { width: { exact: 12345 } } }); } catch { /* recorded */ }
    }
    stream = sendMedia ? await getUserMedia(gum) : null;
    pc = new RTCPeerConnection(config);
    log('create', PC_ID, config, location.href);
    instrument(pc);
    for (const t of stream?.getTracks() ?? []) {
      log('addTrack', PC_ID, `${t.kind}:${t.id} stream:${stream.id}`);
      senders[t.kind] = pc.addTrack(t, stream);
    }
    statsTimer = setInterval(pollStats, 1000);
  },
  /** Creates and sets an offer; returns it once candidates are gathered. */
  async offer() {
    await call('setLocalDescription', () => pc.setLocalDescription(), null);
    await waitGathered();
    return desc(pc.localDescription);
  },
  async answer(offer) {
    await call('setRemoteDescription', () => pc.setRemoteDescription(offer), offer);
    await call('setLocalDescription', () => pc.setLocalDescription(), null);
    await waitGathered();
    return desc(pc.localDescription);
  },
  async accept(answer) {
    await call('setRemoteDescription', () => pc.setRemoteDescription(answer), answer);
  },
  /** A description the browser must refuse (signaling-error scenarios). */
  async refuse(bad) {
    try { await call('setRemoteDescription', () => pc.setRemoteDescription(bad), bad); } catch { return true; }
    return false;
  },
  state() { return pc?.connectionState ?? null; },
  restartIce() { log('restartIce', PC_ID, null); pc.restartIce(); },
  enable(kind, on) {
    for (const t of stream.getTracks().filter((t) => t.kind === kind)) { t.enabled = on; log('MediaStreamTrack.enabled', null, on, t.id); }
  },
  async replaceTrack(kind, restore) {
    const track = restore ? stream.getTracks().find((t) => t.kind === kind) : null;
    log('replaceTrack', PC_ID, track ? `${kind}:${track.id}` : null, senders[kind].track?.id ?? null);
    await senders[kind].replaceTrack(track);
  },
  async setParameters(kind, encoding) {
    const p = senders[kind].getParameters();
    for (const [k, v] of Object.entries(encoding)) {
      if (v == null) delete p.encodings[0][k]; else p.encodings[0][k] = v;
    }
    log('setParameters', PC_ID, p, senders[kind].track?.id ?? null);
    try { await senders[kind].setParameters(p); log('setParametersOnSuccess', PC_ID, null); } catch (e) { log('setParametersOnFailure', PC_ID, e.toString()); }
  },
  /** Adds a second video track (a renegotiation); returns nothing. */
  async addScreenLikeTrack() {
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 180 });
    const ctx = canvas.getContext('2d');
    let f = 0;
    setInterval(() => { ctx.fillStyle = `hsl(${(f++ * 7) % 360} 60% 50%)`; ctx.fillRect(0, 0, 320, 180); }, 100);
    const t = canvas.captureStream(10).getVideoTracks()[0];
    log('addTrack', PC_ID, `video:${t.id} stream:canvas`);
    senders.canvas = pc.addTrack(t, new MediaStream([t]));
  },
  stopTrack(kind) {
    for (const t of stream.getTracks().filter((t) => t.kind === kind)) { log('MediaStreamTrack.stop', null, trackJson(t), t.id); t.stop(); }
  },
  async close() {
    clearInterval(statsTimer);
    await pollStats();
    log('close', PC_ID, null);
    pc.close();
  },
  dump() {
    return `RTCStatsDump\n${JSON.stringify({ fileFormat: 3, origin: location.origin, userAgent: navigator.userAgent, startTime: lines.length ? JSON.parse(lines[0]).at(-1) : null })}\n${lines.join('\n')}\n`;
  },
};
