/** The `rtcview-summary/1` document (docs/summary-schema.md). */
export interface Summary {
  schema: 'rtcview-summary/1';
  source: { format: 'webrtc-internals' | 'rtcstats'; dialect: string; bytes: number; gzip: boolean; decodedBytes: number };
  userAgent: string | null;
  startMs: number | null;
  durationMs: number | null;
  getUserMedia: Array<{ tMs: number | null; requestType: string; audio: boolean; video: boolean; outcome: 'success' | 'failure' | 'pending'; error: string | null }>;
  peerConnections: Array<Record<string, unknown> & { id: string }>;
  diagnostics: Array<{ severity: 'info' | 'warning' | 'error'; kind: string; message: string; line: number | null; key?: string; count: number }>;
}

export type ErrorCode =
  | 'token_expired' | 'token_invalid' | 'token_not_yet_valid' | 'audience' | 'issuer' | 'unknown_key'
  | 'replayed' | 'forbidden' | 'fetch_failed' | 'not_a_dump' | 'too_large';

export interface EmbedOptions {
  /** The signed JWT (RS256 or ES256) issued by your backend. */
  token: string;
  /** A session URL to load (else the token's `data.session.url`). */
  sessionUrl?: string;
  /** Or the session's bytes (transferred). */
  buffer?: ArrayBuffer;
  name?: string;
  /** Defaults to the iframe's `src` origin. */
  viewerOrigin?: string;
  /** Set the iframe height from `resize.v1` (default true). */
  autoResize?: boolean;
}

export interface EmbeddedViewer {
  /** Resolves with the summary (`statsReady.v1`); rejects with an Error whose `code` is an {@link ErrorCode}. */
  summary: Promise<Summary>;
  select(peerConnection: string, stream?: string): void;
  zoom(t0Ms: number, t1Ms: number): void;
  load(url: string): void;
  logout(): void;
  ping(): void;
  /** Removes the message listener. */
  destroy(): void;
}

/** Embeds rtcview in `iframe`; events `rtcview:ready|statsReady|error|resize|pong` fire on the iframe. */
export function embed(iframe: HTMLIFrameElement, options: EmbedOptions): EmbeddedViewer;
