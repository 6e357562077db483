// Records a real loopback call (two RTCPeerConnections in one page, Chromium's
// fake camera and microphone) as an rtcstats fileFormat 3 dump: plain method
// names, full getStats reports every second, time deltas as the last element.
// Driven by scripts/record-sample.mjs; the result is www/sample/.
const CALL_MS = Number(new URLSearchParams(location.search).get('ms') ?? 30000);
const lines = [];
let last = 0;
const now = () => performance.timeOrigin + performance.now();

function log(method, pc, value, ...extras) {
  const t = now();
  const delta = last === 0 ? t : t - last;
  last = t;
  lines.push(JSON.stringify([method, pc, value ?? null, ...extras, Math.round(delta * 1000) / 1000]));
}

const trackInfo = (t, s) => [t.kind, t.id, t.label, s?.id ?? null];
const desc = (d) => d && { type: d.type, sdp: d.sdp };

function instrument(pc, id, other, otherId) {
  for (const ev of ['signalingstatechange', 'iceconnectionstatechange', 'connectionstatechange', 'icegatheringstatechange']) {
    const prop = { signalingstatechange: 'signalingState', iceconnectionstatechange: 'iceConnectionState',
      connectionstatechange: 'connectionState', icegatheringstatechange: 'iceGatheringState' }[ev];
    pc.addEventListener(ev, () => log('on' + ev, id, pc[prop]));
  }
  pc.addEventListener('negotiationneeded', () => log('onnegotiationneeded', id, null));
  pc.addEventListener('track', (e) => log('ontrack', id, trackInfo(e.track, e.streams[0])));
  pc.addEventListener('icecandidate', async (e) => {
    log('onicecandidate', id, e.candidate && e.candidate.toJSON());
    if (e.candidate) {
      log('addIceCandidate', otherId, e.candidate.toJSON());
      await other.addIceCandidate(e.candidate);
      log('addIceCandidateOnSuccess', otherId, null);
    }
  });
}

async function pollStats(pc, id) {
  const report = await pc.getStats();
  const out = {};
  report.forEach((s) => { out[s.id] = s; });
  log('getStats', id, out);
}

async function main() {
  log('create', null, {
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgentData: navigator.userAgentData?.toJSON?.() ?? null,
    screen: { width: screen.width, height: screen.height, devicePixelRatio },
    window: { width: innerWidth, height: innerHeight },
  });
  const constraints = { audio: true, video: { width: 640, height: 360, frameRate: 30 } };
  log('navigator.mediaDevices.getUserMedia', null, constraints, 'gum-0');
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  log('navigator.mediaDevices.getUserMediaOnSuccess', null, stream.getTracks().map((t) => trackInfo(t, stream)), 'gum-0');
  // A request that fails, as support agents see them: an impossible constraint.
  log('navigator.mediaDevices.getUserMedia', null, { video: { width: { exact: 99999 } } }, 'gum-1');
  try { await navigator.mediaDevices.getUserMedia({ video: { width: { exact: 99999 } } }); }
  catch (e) { log('navigator.mediaDevices.getUserMediaOnFailure', null, `${e.name}: ${e.message}`, 'gum-1'); }

  const config = { iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
  const caller = new RTCPeerConnection(config);
  log('create', 'PC_0', config, location.origin + '/call');
  const callee = new RTCPeerConnection(config);
  log('create', 'PC_1', config, location.origin + '/call');
  instrument(caller, 'PC_0', callee, 'PC_1');
  instrument(callee, 'PC_1', caller, 'PC_0');

  for (const t of stream.getTracks()) {
    log('addTrack', 'PC_0', trackInfo(t, stream));
    caller.addTrack(t, stream);
  }
  log('createOffer', 'PC_0', null);
  const offer = await caller.createOffer();
  log('createOfferOnSuccess', 'PC_0', desc(offer));
  log('setLocalDescription', 'PC_0', desc(offer));
  await caller.setLocalDescription(offer);
  log('setLocalDescriptionOnSuccess', 'PC_0', null);
  log('setRemoteDescription', 'PC_1', desc(offer));
  await callee.setRemoteDescription(offer);
  log('setRemoteDescriptionOnSuccess', 'PC_1', null);
  log('createAnswer', 'PC_1', null);
  const answer = await callee.createAnswer();
  log('createAnswerOnSuccess', 'PC_1', desc(answer));
  log('setLocalDescription', 'PC_1', desc(answer));
  await callee.setLocalDescription(answer);
  log('setLocalDescriptionOnSuccess', 'PC_1', null);
  log('setRemoteDescription', 'PC_0', desc(answer));
  await caller.setRemoteDescription(answer);
  log('setRemoteDescriptionOnSuccess', 'PC_0', null);

  const poll = setInterval(() => { pollStats(caller, 'PC_0'); pollStats(callee, 'PC_1'); }, 1000);

  // Mid-call: cap the video sender at 150 kbit/s for a third of the call
  // (bandwidth-limited quality), then lift the cap.
  const video = caller.getSenders().find((s) => s.track?.kind === 'video');
  const setMax = async (bps) => {
    const p = video.getParameters();
    p.encodings[0].maxBitrate = bps;
    log('setParameters', 'PC_0', [{ encodings: p.encodings }], video.track.id);
    await video.setParameters(p);
  };
  setTimeout(() => setMax(150000), CALL_MS / 3);
  setTimeout(() => setMax(undefined), (2 * CALL_MS) / 3);

  await new Promise((ok) => setTimeout(ok, CALL_MS));
  clearInterval(poll);
  await Promise.all([pollStats(caller, 'PC_0'), pollStats(callee, 'PC_1')]);
  log('close', 'PC_0', null); caller.close();
  log('close', 'PC_1', null); callee.close();
  for (const t of stream.getTracks()) t.stop();

  const header = { fileFormat: 3, userAgent: navigator.userAgent, origin: location.origin, url: '/call', startTime: Math.round(performance.timeOrigin) };
  window.dumpText = 'RTCStatsDump\n' + JSON.stringify(header) + '\n' + lines.join('\n') + '\n';
  document.getElementById('status').textContent = 'done';
}

main().catch((e) => { window.dumpError = String(e); document.getElementById('status').textContent = String(e); });
