// The documents rtcview's wasm hands to JS, generated from the Rust types
// by src/contract.rs (`UPDATE_TS=1 cargo test --lib contract`). Do not edit.

export type Summary = { schema: "rtcview-summary/1", source: Source, userAgent: string | null, startMs: number | null, durationMs: number | null, getUserMedia: Array<GumSummary>, peerConnections: Array<PcSummary>, diagnostics: Array<DiagSummary>, 
/**
 * The verdict (docs/findings.md): most severe first.
 */
findings: Array<Finding>, 
/**
 * What every rule looked at, or why it could not.
 */
checks: Array<Check>, 
/**
 * The rules' version.
 */
ruleset: string, score: Score, 
/**
 * Every dump the document covers, in the order given (one for one
 * file); `source` above is the first's.
 */
sources: Array<Source>, 
/**
 * Connections of different browsers that are the two ends of one
 * connection (`crate::combine`).
 */
links: Array<Link>, 
/**
 * Pairs of browsers nothing links, said plainly.
 */
unlinked: Array<string>, };

export type Source = { 
/**
 * The file's name; `None` when none was given (a pasted dump, or
 * `summarize` without one).
 */
name: string | null, format: Format, dialect: string, bytes: number, gzip: boolean, decodedBytes: number, };

export type GumSummary = { tMs: number | null, requestType: string, audio: boolean, video: boolean, outcome: Outcome, error: string | null, };

export type PcSummary = { id: string, url: string | null, iceServers: Array<string>, events: number, connectionStates: Array<StateChange>, iceConnectionStates: Array<StateChange>, signalingStates: Array<StateChange>, selectedCandidatePair: SelectedPair | null, 
/**
 * How it ended, in a word and a line (`findings::outcome`).
 */
outcome: PcOutcome, 
/**
 * "offerer" when this end made the first offer, "answerer" when it
 * answered one: who called whom, where the dump's ids (`8-1`) do not
 * say.
 */
role: string | null, statsObjects: number, rtp: Array<RtpSummary>, 
/**
 * The dumps that hold this connection (indexes into `sources`): more
 * than one when dumps of one browser were merged.
 */
sources: Array<number>, };

export type PcOutcome = { state: PcOutcomeState, 
/**
 * Ever connected (ICE `connected`/`completed` or connection
 * `connected`).
 */
wasConnected: boolean, 
/**
 * Time spent connected, ms (`None` when no state change is timed).
 */
connectedMs: number | null, 
/**
 * The outcome in words, with its duration: "failed · 36.5 s
 * connected", "never connected · tried 15.1 s".
 */
label: string, };

export type PcOutcomeState = "connected" | "failed" | "disconnected" | "closed" | "never-connected";

export type RtpSummary = { statsId: string, direction: Direction, kind: string | null, ssrc: number | null, codec: string | null, samples: number, bitrateKbps: Stat | null, packetsPerSecond: Stat | null, packetsLostPct: number | null, jitterMs: Stat | null, rttMs: Stat | null, framesPerSecond: Stat | null, jitterBufferDelayMs: Stat | null, decodeMsPerFrame: Stat | null, frameWidth: number | null, frameHeight: number | null, };

export type DiagSummary = { severity: DiagnosticSeverity, kind: string, message: string, line: number | null, key?: string, count: number, 
/**
 * The dump it is about (index into `sources`), when the document
 * covers several.
 */
source?: number, };

export type Format = "webrtc-internals" | "rtcstats";

export type Outcome = "success" | "failure" | "pending";

export type StateChange = { tMs: number | null, state: string, };

export type Direction = "inbound" | "outbound";

export type Stat = { mean: number, max: number, };

export type SelectedPair = { localType: string | null, remoteType: string | null, protocol: string | null, relayProtocol: string | null, };

export type DiagnosticSeverity = "info" | "warning" | "error";

export type Finding = { 
/**
 * Unique in the document (`f1`, `f2`, ... in the order below).
 */
id: string, 
/**
 * Stable name: `inbound-loss`, `video-freeze`, ... (docs/findings.md).
 */
kind: string, 
/**
 * The rule and its version: `inbound-loss/1`.
 */
rule: string, severity: Severity, 
/**
 * The peer connection's id as in the summary; `None`: the session.
 */
peerConnection: string | null, stream: StreamRef | null, 
/**
 * When the condition held (unix ms), in order.
 */
ranges: Array<TimeRange>, 
/**
 * One plain sentence with the numbers.
 */
message: string, evidence: Array<Evidence>, 
/**
 * The id of the finding that explains this one (in a document of
 * several browsers, possibly one of the other end's).
 */
cause: string | null, 
/**
 * The source (index into the summary's `sources`) whose browser it is
 * about, when the document covers several browsers.
 */
source?: number, };

export type Severity = "info" | "minor" | "major" | "critical";

export type StreamRef = { direction: Direction, 
/**
 * `audio` / `video`, when known.
 */
kind: string | null, ssrc: number | null, 
/**
 * The stream's `inbound-rtp` / `outbound-rtp` stats object.
 */
statsId: string, };

export type TimeRange = { startMs: number, endMs: number, };

export type Evidence = { 
/**
 * The stats object measured (`None`: an event or the configuration).
 */
statsId: string | null, 
/**
 * A stats property, or what else was read (`connectionState`, an event name).
 */
property: string, value: Value, 
/**
 * The threshold the value crossed (`None`: a state or an event is the evidence).
 */
threshold: Value | null, 
/**
 * `%`, `ms`, `kbit/s`, `frames/s`, `s`, `PLI/s`, or empty.
 */
unit: string, };

export type Value = number | string;

export type Check = { kind: string, rule: string, 
/**
 * False: the rule could not run on this dump (`note` says why).
 */
checked: boolean, note: string, };

export type Score = { 
/**
 * 0-100: the mean of every window's score; `None` without windows.
 */
overall: number | null, 
/**
 * 1-5 (MOS from the mean R); `None`: no received audio.
 */
audio: number | null, 
/**
 * 1-5; `None`: no video.
 */
video: number | null, 
/**
 * 1-5; `None`: no connection with a state.
 */
connectivity: number | null, windowMs: number, windows: number, 
/**
 * Largest loss first; the points add up to `overall - 100`.
 */
ledger: Array<LedgerEntry>, };

export type LedgerEntry = { points: number, 
/**
 * The finding's id; `None`: no finding explains these windows.
 */
finding: string | null, startMs: number, endMs: number, 
/**
 * The part that scored lowest: `audio`, `video` or `connectivity`.
 */
part: "audio" | "video" | "connectivity", };

export type ChartInfo = { id: string, metric: string, statsId: string, group: string, pcId: string, title: string, unit: string, lines: Array<string>, raw: boolean, boring: boolean, bands: Array<Band>, markers: Array<Marker>, };

export type Band = { t0Ms: number, t1Ms: number, label: string, };

export type Marker = { tMs: number, label: string, };

export type ChartRange = { statsId: string, metric: string, lines: Array<LineRange>, };

export type LineRange = { label: string, samples: number, mean: number, min: number, max: number, 
/**
 * The worst [`WORST_WINDOW_MS`] window inside the range (highest
 * mean, or lowest where less is worse), when the range holds one.
 */
worst: Window | null, };

export type Series = { label: string, 
/**
 * Unix ms.
 */
t: Array<number>, 
/**
 * Non-finite values (gaps) are `null`.
 */
v: Array<number | null>, };

export type Window = { startMs: number, endMs: number, mean: number, };

export type Readout = { label: string, value: number | null, };

export type EventRow = { tMs: number | null, 
/**
 * Locale time text of old dumps (when there is no `tMs`).
 */
timeText: string | null, 
/**
 * `None` for client-level events (getUserMedia, ...).
 */
pcId: string | null, name: string, 
/**
 * One-line description of the value.
 */
detail: string, failure: boolean, 
/**
 * The whole value, pretty-printed (SDP with real line breaks).
 */
full: string, };

export type Description = { tMs: number | null, 
/**
 * The event it came from (`setRemoteDescription`, `createOfferOnSuccess` …).
 */
event: string, 
/**
 * `local` or `remote`.
 */
side: "local" | "remote", 
/**
 * `offer`, `answer`, `pranswer`, `rollback`.
 */
sdpType: string, 
/**
 * The session-level lines.
 */
session: string, sections: Array<Section>, 
/**
 * The whole SDP with `\r\n` line ends, for copying.
 */
sdp: string, };

export type Section = { 
/**
 * `audio`, `video`, `application`.
 */
kind: string, port: string, protocol: string, mid: string | null, 
/**
 * `sendrecv`, `sendonly`, `recvonly`, `inactive` (default `sendrecv`).
 */
direction: string, 
/**
 * `opus/48000/2`, in the m-line's preference order.
 */
codecs: Array<string>, candidates: number, 
/**
 * The section's lines (`\n`-separated).
 */
text: string, };

export type CandidatePair = { id: string, 
/**
 * The transport's selected pair at the end of the session.
 */
selected: boolean, state: string | null, nominated: boolean, local: Candidate | null, remote: Candidate | null, currentRttMs: number | null, bytesSent: number | null, bytesReceived: number | null, 
/**
 * The STUN connectivity checks each way: "120 requests sent, 0
 * responses received" is how an ICE failure reads (legacy
 * `googCandidatePair` objects use the same names).
 */
requestsSent: number | null, responsesReceived: number | null, requestsReceived: number | null, responsesSent: number | null, 
/**
 * Consent freshness checks (RFC 7675) sent once the pair was in use.
 */
consentRequestsSent: number | null, 
/**
 * First and last time the pair was reported.
 */
firstMs: number | null, lastMs: number | null, };

export type Candidate = { id: string, candidateType: string | null, protocol: string | null, address: string | null, port: number | null, relayProtocol: string | null, url: string | null, networkType: string | null, };

export type Lane = { name: string, segments: Array<Segment>, 
/**
 * Changes the dump records without a time (old webrtc-internals): shown
 * as a sequence instead of a lane.
 */
untimed: Array<string>, };

export type Segment = { t0Ms: number, t1Ms: number, state: string, };

export type Configuration = { iceServers: Array<Array<string>>, fields: Array<[string, string]>, 
/**
 * Old Chrome's non-JSON configuration text, when that is all there is.
 */
text: string | null, };

export type ImportErrorKind = "unrecognized" | "empty" | "unsupported" | "malformed" | "truncated" | "too_large" | "capped" | "suspicious";

export type AuthCode = "token_expired" | "token_invalid" | "token_not_yet_valid" | "audience" | "issuer" | "unknown_key" | "replayed" | "forbidden";

export type LoadFailureCode = "fetch_failed" | "not_a_dump" | "too_large";

export type ErrorCode = AuthCode | LoadFailureCode;
