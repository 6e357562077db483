// The scenario corpus: real calls between two headless Chromium browsers
// (A and B, fake camera and microphone) with problems injected on a timed
// schedule. `at`/`until` are ms after A's connection first says
// `connected` (or after the first negotiation, for calls that never connect).
//
// An injection is one of:
//   net:   { dir: 'AtoB' | 'BtoA' | 'both', spec }  the relay's impairment (relay.mjs), undone at `until`
//   cpu:   { peer, quotaPct }                      the peer's browser limited to quotaPct of one core (cgroup), undone at `until`
//   page:  { peer, start: [method, ...args], end?: [method, ...args] }   calls rv.<method> in the peer's page
//   renegotiate: true                              a new offer/answer after the page action
// `expect`: findings that must appear during the injection, on that peer's
// dumps (`stream` narrows to a direction and/or kind). `allow`: kinds that
// may appear as consequences of the injection (a bandwidth cap also drops
// the resolution). Anything else above `info` is a false positive.
const NET = (dir, spec) => ({ net: { dir, spec } });

export const scenarios = [
  {
    name: 'clean',
    about: 'A clean two-minute call: the negative control. Nothing above info may be found.',
    durationMs: 120000,
    injections: [],
  },
  {
    name: 'clean-renegotiation',
    about: 'A clean call that adds a second (canvas) video track at 40 s: renegotiation must not look like a problem.',
    durationMs: 90000,
    injections: [
      { id: 'add-track', what: 'A adds a canvas video track (renegotiation)', at: 40000, page: { peer: 'A', start: ['addScreenLikeTrack'] }, renegotiate: true },
    ],
  },
  {
    name: 'uplink-loss-5pct',
    about: '5 % random packet loss from A to B for 60 s.',
    durationMs: 120000,
    injections: [
      { id: 'loss', what: '5 % random loss A→B', at: 30000, until: 90000, ...NET('AtoB', { lossPct: 5 }),
        expect: [
          { peer: 'A', kind: 'outbound-loss', stream: { direction: 'outbound', kind: 'video' } },
          { peer: 'A', kind: 'outbound-loss', stream: { direction: 'outbound', kind: 'audio' } },
          { peer: 'B', kind: 'inbound-loss', stream: { direction: 'inbound', kind: 'video' } },
          { peer: 'B', kind: 'inbound-loss', stream: { direction: 'inbound', kind: 'audio' } },
        ],
        allow: ['audio-concealment', 'video-freeze', 'keyframe-storm', 'framerate-drop', 'resolution-drop', 'bandwidth-limited', 'low-available-bitrate', 'jitter-buffer-stress', 'time-stretch', 'frames-dropped'] },
    ],
  },
  {
    name: 'downlink-bursty-loss',
    about: 'Bursty loss (Gilbert-Elliott, about 8 % in bursts) from B to A for 60 s.',
    durationMs: 120000,
    injections: [
      { id: 'loss', what: 'bursty loss B→A (p=0.02, r=0.25)', at: 30000, until: 90000, ...NET('BtoA', { burst: { p: 0.02, r: 0.25 } }),
        expect: [
          { peer: 'A', kind: 'inbound-loss', stream: { direction: 'inbound', kind: 'video' } },
          { peer: 'A', kind: 'inbound-loss', stream: { direction: 'inbound', kind: 'audio' } },
          { peer: 'A', kind: 'audio-concealment', stream: { direction: 'inbound', kind: 'audio' } },
          { peer: 'B', kind: 'outbound-loss', stream: { direction: 'outbound' } },
        ],
        allow: ['video-freeze', 'keyframe-storm', 'framerate-drop', 'resolution-drop', 'bandwidth-limited', 'low-available-bitrate', 'jitter-buffer-stress', 'time-stretch', 'frames-dropped'] },
    ],
  },
  {
    name: 'delay-jitter',
    about: '200 ms delay with ±80 ms jitter each way for 60 s (each packet delayed on its own, as netem does): about 400 ms round trip.',
    durationMs: 120000,
    injections: [
      { id: 'delay', what: '200 ms ± 80 ms each way', at: 30000, until: 90000, ...NET('both', { delayMs: 200, jitterMs: 80 }),
        expect: [
          { peer: 'A', kind: 'high-rtt' },
          { peer: 'A', kind: 'high-jitter', stream: { direction: 'inbound' } },
          { peer: 'B', kind: 'high-rtt' },
          { peer: 'B', kind: 'high-jitter', stream: { direction: 'inbound' } },
        ],
                // Packets overtake each other: some arrive too late and count as lost.
        allow: ['jitter-buffer-stress', 'time-stretch', 'audio-concealment', 'video-freeze', 'framerate-drop', 'bandwidth-limited', 'low-available-bitrate', 'congestion', 'resolution-drop', 'frames-dropped', 'inbound-loss', 'outbound-loss', 'keyframe-storm'] },
    ],
  },
  {
    name: 'uplink-bandwidth-300k',
    about: 'A→B capped at 300 kbit/s (200 ms queue) for 60 s.',
    durationMs: 120000,
    injections: [
      { id: 'cap', what: 'A→B rate cap 300 kbit/s', at: 30000, until: 90000, ...NET('AtoB', { rateKbps: 300, queueMs: 200 }),
        expect: [
          { peer: 'A', kind: 'bandwidth-limited', stream: { direction: 'outbound', kind: 'video' } },
          { peer: 'A', kind: 'low-available-bitrate' },
        ],
        allow: ['resolution-drop', 'framerate-drop', 'outbound-loss', 'inbound-loss', 'congestion', 'high-rtt', 'high-jitter', 'video-freeze', 'audio-concealment', 'jitter-buffer-stress', 'keyframe-storm', 'time-stretch', 'frames-dropped'] },
    ],
  },
  {
    name: 'link-down-8s',
    about: 'The link goes down both ways for 8 s and comes back.',
    durationMs: 90000,
    injections: [
      { id: 'down', what: 'link down both ways', at: 40000, until: 48000, ...NET('both', { down: true }),
        expect: [
          { peer: 'A', kind: 'ice-disconnected' },
          { peer: 'B', kind: 'ice-disconnected' },
          { peer: 'A', kind: 'video-freeze', stream: { direction: 'inbound', kind: 'video' } },
        ],
        allow: ['inbound-loss', 'outbound-loss', 'audio-concealment', 'keyframe-storm', 'framerate-drop', 'resolution-drop', 'bandwidth-limited', 'low-available-bitrate', 'dry-track', 'jitter-buffer-stress', 'time-stretch', 'high-rtt', 'high-jitter', 'congestion', 'frames-dropped', 'stats-gap'] },
    ],
  },
  {
    name: 'link-down-fail',
    about: 'The link goes down both ways 30 s into the call and never comes back: ICE fails.',
    durationMs: 80000,
    injections: [
      { id: 'down', what: 'link down both ways until the end', at: 30000, until: 80000, ...NET('both', { down: true }),
        expect: [
          { peer: 'A', kind: 'ice-failed' },
          { peer: 'B', kind: 'ice-failed' },
          { peer: 'A', kind: 'ice-disconnected' },
        ],
        allow: ['video-freeze', 'dry-track', 'inbound-loss', 'outbound-loss', 'audio-concealment', 'stats-gap', 'framerate-drop', 'resolution-drop', 'keyframe-storm', 'jitter-buffer-stress', 'time-stretch', 'bandwidth-limited', 'low-available-bitrate', 'frames-dropped'] },
    ],
  },
  {
    name: 'never-connected',
    about: 'No packet ever gets through: the connection never connects.',
    durationMs: 45000,
    waitConnected: false,
    setup: { netFromStart: { dir: 'both', spec: { down: true } } },
    injections: [
      { id: 'blocked', what: 'everything dropped from the start', at: 0, until: 45000, ...NET('both', { down: true }),
        expect: [{ peer: 'A', kind: 'never-connected' }, { peer: 'B', kind: 'never-connected' }],
        allow: ['ice-failed', 'slow-setup'] },
    ],
  },
  {
    name: 'turn-tcp',
    about: 'UDP between the peers is not allowed: both use relay-only ICE with a TURN server (coturn) reachable over TCP only.',
    durationMs: 75000,
    setup: { turn: true },
    injections: [
      { id: 'relay', what: 'relay-only ICE through TURN over TCP for the whole call', at: 0, until: 75000,
        expect: [
          { peer: 'A', kind: 'relay-path' }, { peer: 'A', kind: 'tcp-path' },
          { peer: 'B', kind: 'relay-path' }, { peer: 'B', kind: 'tcp-path' },
        ],
        allow: [] },
    ],
  },
  {
    name: 'cpu-starved-sender',
    about: "A's browser gets 20 % of one core for 50 s.",
    durationMs: 110000,
    injections: [
      { id: 'cpu', what: "A's browser limited to 20 % of one core", at: 30000, until: 80000, cpu: { peer: 'A', quotaPct: 20 },
        expect: [{ peer: 'A', kind: 'cpu-limited', stream: { direction: 'outbound', kind: 'video' } }],
        allow: ['resolution-drop', 'framerate-drop', 'decoder-overload', 'frames-dropped', 'video-freeze', 'audio-concealment', 'jitter-buffer-stress', 'time-stretch', 'inbound-loss', 'outbound-loss', 'high-jitter', 'high-rtt', 'congestion', 'bandwidth-limited', 'low-available-bitrate', 'stats-gap', 'keyframe-storm', 'dry-track'] },
    ],
  },
  {
    name: 'track-disabled',
    about: 'A disables its camera and microphone (track.enabled = false) for 30 s: a user mute, not a fault.',
    durationMs: 90000,
    injections: [
      { id: 'mute', what: 'A: track.enabled = false (audio and video)', at: 30000, until: 60000,
        page: { peer: 'A', start: ['enable', 'video', false], end: ['enable', 'video', true] },
        also: { page: { peer: 'A', start: ['enable', 'audio', false], end: ['enable', 'audio', true] } },
        expect: [], allow: [] },
    ],
  },
  {
    name: 'replace-track-null',
    about: 'A replaces its video track with null for 30 s (sender stops), then restores it.',
    durationMs: 90000,
    injections: [
      { id: 'stop', what: 'A: replaceTrack(null) on video', at: 30000, until: 60000,
        page: { peer: 'A', start: ['replaceTrack', 'video', false], end: ['replaceTrack', 'video', true] },
        expect: [], allow: [] },
    ],
  },
  {
    name: 'sender-caps',
    about: 'A caps its own video with setParameters: maxBitrate 250 kbit/s, then scaleResolutionDownBy 2, then maxFramerate 10.',
    durationMs: 130000,
    injections: [
      { id: 'bitrate', what: 'A: maxBitrate 250 kbit/s', at: 20000, until: 110000,
        page: { peer: 'A', start: ['setParameters', 'video', { maxBitrate: 250000 }], end: ['setParameters', 'video', { maxBitrate: null }] },
        expect: [{ peer: 'A', kind: 'app-bitrate-cap', stream: { direction: 'outbound', kind: 'video' } }], allow: ['resolution-drop', 'framerate-drop'] },
      { id: 'resolution', what: 'A: scaleResolutionDownBy 2', at: 50000, until: 110000,
        page: { peer: 'A', start: ['setParameters', 'video', { scaleResolutionDownBy: 2 }], end: ['setParameters', 'video', { scaleResolutionDownBy: null }] },
        expect: [{ peer: 'A', kind: 'app-resolution-cap', stream: { direction: 'outbound', kind: 'video' } }], allow: ['resolution-drop'] },
      { id: 'framerate', what: 'A: maxFramerate 10', at: 80000, until: 110000,
        page: { peer: 'A', start: ['setParameters', 'video', { maxFramerate: 10 }], end: ['setParameters', 'video', { maxFramerate: null }] },
        expect: [{ peer: 'A', kind: 'app-framerate-cap', stream: { direction: 'outbound', kind: 'video' } }], allow: ['framerate-drop'] },
    ],
  },
  {
    name: 'restart-ice',
    about: 'A calls restartIce() at 40 s and renegotiates: an ICE restart, nothing else.',
    durationMs: 90000,
    injections: [
      { id: 'restart', what: 'A: restartIce() + new offer/answer', at: 40000, until: 45000, page: { peer: 'A', start: ['restartIce'] }, renegotiate: true,
        expect: [{ peer: 'A', kind: 'ice-restart' }], allow: ['path-change'] },
    ],
  },
  {
    name: 'dtls-failure',
    about: "B's answer reaches A with a wrong DTLS fingerprint: ICE connects, DTLS fails.",
    durationMs: 40000,
    waitConnected: false,
    setup: { breakFingerprint: true },
    injections: [
      { id: 'fingerprint', what: "A gets B's answer with a changed certificate fingerprint", at: 0, until: 40000,
        expect: [{ peer: 'A', kind: 'dtls-failure' }],
        allow: ['never-connected', 'slow-setup', 'ice-failed'] },
    ],
  },
  {
    name: 'gum-error-then-call',
    about: "A's first getUserMedia asks for an impossible width and fails (OverconstrainedError); the retry works and the call is clean.",
    durationMs: 60000,
    setup: { failFirstGum: 'A' },
    injections: [
      { id: 'gum', what: 'A: getUserMedia({video: {width: {exact: 12345}}}) fails', at: 0, until: 1000,
        expect: [{ peer: 'A', kind: 'media-access-error' }], allow: [], beforeCall: true },
    ],
  },
  {
    name: 'signaling-error',
    about: 'At 30 s A applies the same answer twice (an app bug): setRemoteDescription fails in state stable; the call goes on.',
    durationMs: 60000,
    injections: [
      { id: 'sdp', what: 'A: setRemoteDescription(answer) again in stable', at: 30000, until: 31000, reapplyAnswer: 'A',
        expect: [{ peer: 'A', kind: 'signaling-error' }], allow: [] },
    ],
  },
  {
    name: 'silent-microphone',
    about: "A's microphone captures silence for the whole call (fake device fed a silent file) while the track is enabled.",
    durationMs: 60000,
    setup: { silentMic: 'A' },
    injections: [
      { id: 'silence', what: "A's microphone captures only silence", at: 0, until: 60000,
        expect: [{ peer: 'A', kind: 'silent-input', stream: { direction: 'outbound', kind: 'audio' } }], allow: [] },
    ],
  },
];
