import type { Summary, ImportErrorKind, LoadFailureCode } from './rtcview-types.js';
/** Every document the viewer hands out (summary, findings, chart list, ...), generated from the Rust types. */
export type * from './rtcview-types.js';
export type { EmbedOptions, EmbeddedViewer } from './rtcview-embed.js';
export { embed } from './rtcview-embed.js';

export interface MountOptions {
  /** Add the component stylesheet (viewer.css) to the document (default true). */
  styles?: boolean;
}

export interface ViewerEvents {
  ready: CustomEvent<{ version: string }>;
  statsReady: CustomEvent<Summary>;
  /** `code`: why the dump could not be read (`ImportErrorKind`), a fetch that failed or input that is not a dump (`LoadFailureCode`), the wasm that did not start (`startup`), or the name of an unexpected error. */
  error: CustomEvent<{ code: ImportErrorKind | LoadFailureCode | 'startup' | (string & {}); message: string }>;
}

export interface MountedViewer {
  /** Loads a dump from a URL (fetched with CORS), a File/Blob, or bytes. Resolves with the summary, or null on error. */
  load(source: string | URL | Blob | ArrayBuffer | ArrayBufferView, name?: string): Promise<Summary | null>;
  /** Opens several dumps together (each a source, or `[source, name]`): dumps of one browser are merged, the two ends of a call linked (`Summary.links`, with the clock offset), and shown side by side on one time axis. Resolves with the document of them all (also sent as `statsReady`), or null on error. */
  open(sources: Array<string | URL | Blob | ArrayBuffer | ArrayBufferView | [string | URL | Blob | ArrayBuffer | ArrayBufferView, string]>): Promise<Summary | null>;
  /** Resolves once the WebAssembly module is ready. */
  ready: Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ViewerEvents>(type: K, listener: (event: ViewerEvents[K]) => void): () => void;
  select(peerConnection: string, stream?: string): void;
  zoom(t0Ms: number, t1Ms: number): void;
  /** Stops any load and removes the viewer and every listener it added. */
  destroy(): void;
}

/** Renders the viewer inside `element` (no iframe). */
export function mount(element: HTMLElement, options?: MountOptions): MountedViewer;

/** The rtcview version. Available after `ready`. */
export function version(): string;
