// Rebuilds the viewer from the import worker's parts without long tasks:
// each part goes into wasm memory as it arrives and is decoded in ~20 ms
// steps, yielding to the browser between them (input and painting go on).
// Decoding overlaps the worker's encoding, and decoded bytes are dropped,
// so the page never holds the model and the whole transfer at once.
import { Step } from './pkg/rtcview.js';

const BUDGET_MS = 20;

const yieldToBrowser = () => new Promise((resolve) => {
  const c = new MessageChannel();
  c.port1.onmessage = () => resolve();
  c.port2.postMessage(null);
});

/** A transfer in progress: `push(part)` each `wirePart`, `end(summary)`
 *  after the last; `viewer` resolves to the Viewer (null if cancelled).
 *  `onTaken()` runs as each part moves into wasm memory (the worker sends
 *  only a few parts ahead of that). */
export function transferToViewer(ViewerLoader, isCancelled = () => false, onTaken = () => {}) {
  const loader = new ViewerLoader();
  const queue = [];
  let ended = false;
  let summary;
  let wake = null;
  const poke = () => { const w = wake; wake = null; w?.(); };
  const viewer = (async () => {
    let told = false;
    let needBytes = true;
    try {
      for (;;) {
        if (isCancelled()) { loader.free(); return null; }
        // A part goes into wasm memory only when the decoder has used up
        // the previous one (so undecoded bytes wait here, where the worker
        // counts them), and one per turn: a burst of parts copied in one
        // go would be a long task of its own.
        if (needBytes && queue.length) { loader.push(queue.shift()); onTaken(); }
        if (ended && !told && !queue.length) { loader.end(); told = true; }
        const s = loader.step(BUDGET_MS);
        needBytes = s === Step.NeedBytes;
        if (s === Step.Working) await yieldToBrowser();
        // Waiting for the worker: woken by the next part, or after a while
        // to notice a cancelled load (its worker is gone; nothing else
        // would wake this loop, and the loader's memory would never be freed).
        else if (s === Step.NeedBytes) await new Promise((resolve) => { wake = resolve; setTimeout(poke, 250); if (queue.length || (ended && !told)) poke(); });
        else return loader.finish(summary);
      }
    } catch (e) {
      loader.free();
      throw e;
    }
  })();
  return {
    push(part) { queue.push(new Uint8Array(part)); poke(); },
    end(s) { summary = s; ended = true; poke(); },
    viewer,
  };
}

const MB = 1048576;

/** "Reading… 106.0 of 503.1 MB · about 13 s left": bytes read (the worker
 *  parses as it reads) and, once the rate is known, the time left.
 *  `startMs` is `performance.now()` when reading began. */
export function progressText(done, total, startMs) {
  const secs = (performance.now() - startMs) / 1000;
  const left = total && done && secs > 0.5 ? (total - done) / (done / secs) : null;
  const eta = left == null ? '' : left < 1 ? ' · under a second left' : ` · about ${Math.ceil(left)} s left`;
  return total ? `${(done / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB${eta}` : `${(done / MB).toFixed(1)} MB`;
}

/** Imports `job` ({file} | {url, label, token?} | {bytes}) in a new import
 *  worker (worker.js, beside this module) and rebuilds the viewer from its
 *  parts. The page and the npm package's `mount()` both load this way.
 *  Callbacks: `onProgress(bytesRead, total)`, `onBuilding(bytesRead)` once
 *  the input has ended, `onPreparing()` at the first part.
 *  Returns `{ worker, result }`: `result` resolves to `{ viewer }`,
 *  `{ error: { name, message } }`, or null once `isCancelled()` (the caller
 *  terminates `worker` when a new load starts). */
export function importInWorker(ViewerLoader, job, { onProgress = () => {}, onBuilding = () => {}, onPreparing = () => {}, isCancelled = () => false } = {}) {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const result = new Promise((resolve) => {
    const fail = (name, message) => { worker.terminate(); resolve(isCancelled() ? null : { error: { name, message } }); };
    let transfer = null;
    worker.onmessage = ({ data }) => {
      if (isCancelled()) return;
      if (data.progress != null) onProgress(data.progress, data.total);
      else if (data.importing != null) onBuilding(data.importing);
      else if (data.error) fail(data.error.name, data.error.message);
      else if (data.wirePart) {
        if (!transfer) {
          onPreparing();
          transfer = transferToViewer(ViewerLoader, isCancelled, () => worker.postMessage({ taken: 1 }));
          transfer.viewer.then((viewer) => {
            if (!viewer || isCancelled()) { viewer?.free(); resolve(null); return; }
            resolve({ viewer });
          }, (e) => fail(e.name || 'error', e.message || String(e)));
        }
        transfer.push(data.wirePart);
      } else if (data.wireEnd) {
        worker.terminate();
        performance.mark('rtcview:worker-import', { detail: data.timings });
        if (transfer) transfer.end(data.summary);
        else fail('internal', 'the import worker sent no model');
      }
    };
    worker.onerror = (e) => { if (!isCancelled()) fail('worker', e.message || 'the import worker failed'); };
    worker.postMessage(job, job.bytes ? [job.bytes] : []);
  });
  return { worker, result };
}

/** The worker job for what a user or a host hands over: a URL (string or
 *  URL, resolved against the page), a File or Blob, or bytes (ArrayBuffer
 *  or a typed array, copied). Returns `{ job, name }`, or null for
 *  anything else. */
export function jobFor(source, name) {
  if (typeof source === 'string' || source instanceof URL) {
    const url = new URL(String(source), location.href).href;
    return { job: { url, label: name ?? url }, name: name ?? url };
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return { job: { file: source }, name: name ?? source.name ?? 'file' };
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const view = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return { job: { bytes: view.slice().buffer }, name: name ?? 'session' };
  }
  return null;
}

/** One load at a time, for the page and for `mount()`: `start(job,
 *  callbacks, importer?)` (`importer`: `importInWorker`, or calls.js
 *  `importSeveral` with a list of jobs) terminates the previous load's worker (a new file cancels
 *  the load) and resolves like `importInWorker`'s result (null once
 *  superseded, stopped, or `isDestroyed()`); `stop()` cancels. */
export function loads(ViewerLoader, isDestroyed = () => false) {
  let worker = null;
  let generation = 0;
  return {
    start(job, callbacks = {}, importer = importInWorker) {
      const current = ++generation;
      worker?.terminate();
      const run = importer(ViewerLoader, job, { ...callbacks, isCancelled: () => isDestroyed() || generation !== current });
      worker = run.worker;
      return run.result;
    },
    stop() {
      generation++;
      worker?.terminate();
      worker = null;
    },
  };
}

// How a dump is fetched by URL, for both import workers (worker.js for one
// dump, combine-worker.js for several): the one home of the fetch options
// and of the `fetch_failed` wording.
/** Fetches `url` (`label` names it in errors). The bearer token is sent
 *  only when the page's Rust gave one (the URL's origin is a configured
 *  data origin); never in the URL, never logged. With a bearer: a redirect
 *  is a failure (never followed with the token), no referrer, no cache.
 *  Resolves to the Response; throws an `Error` named `fetch_failed`. */
export async function fetchDump(url, label, token) {
  const failed = (message) => Object.assign(new Error(`could not fetch ${label} (${message})`), { name: 'fetch_failed' });
  let res;
  try {
    res = await fetch(url, token
      ? { credentials: 'omit', redirect: 'error', referrerPolicy: 'no-referrer', cache: 'no-store', headers: { Authorization: `Bearer ${token}` } }
      : { credentials: 'omit' });
  } catch {
    throw failed("network error or CORS: the server must allow this page's origin");
  }
  if (!res.ok) throw failed(`HTTP ${res.status}`);
  return res;
}

/** A worker's flow control of the parts it posts (worker.js,
 *  combine-worker.js): at most `limit` parts (each about 4 MB) wait in the
 *  page undecoded. `took(n)` when the page says it took parts into wasm
 *  memory; `await sent()` after posting one resolves to the ms it waited. */
export function partsInFlight(limit = 4) {
  let sent = 0;
  let taken = 0;
  let wake = null;
  return {
    took(n) { taken += n; const w = wake; wake = null; w?.(); },
    async sent() {
      const t = performance.now();
      sent++;
      while (sent - taken >= limit) await new Promise((resolve) => { wake = resolve; });
      return performance.now() - t;
    },
  };
}
