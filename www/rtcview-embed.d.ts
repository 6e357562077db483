import type { Summary, ErrorCode } from './rtcview-types.js';
/** The `rtcview-summary/1` document (docs/summary-schema.md) and the `error.v1` codes, generated from the Rust types. */
export type { Summary, ErrorCode };

export interface EmbedOptions {
  /** The signed JWT (RS256 or ES256) issued by your backend. */
  token: string;
  /** A session URL to load (else the token's `data.session.url`); several (up to 8: both ends of a call) are linked and shown side by side, with one `statsReady.v1` for them all (`Summary.sources`, `Summary.links`). */
  sessionUrl?: string | string[];
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
  /** `load.v1`: one URL, or several (`data.urls`) shown together. */
  load(url: string | string[]): void;
  logout(): void;
  ping(): void;
  /** Removes the message listener. */
  destroy(): void;
}

/** Embeds rtcview in `iframe`; events `rtcview:ready|statsReady|error|resize|pong` fire on the iframe. */
export function embed(iframe: HTMLIFrameElement, options: EmbedOptions): EmbeddedViewer;
