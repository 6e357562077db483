// The import worker: reads a dump (File, URL or bytes) as a stream and
// hands each chunk to the wasm importer as it arrives (gunzipped and parsed
// at once: the whole text of an rtcstats dump is never held), then sends the
// summary and the model back in transferable parts (see src/model/wire.rs). The page
// stays responsive however long the import takes; a new load terminates
// this worker.
import init, { ImportStream, maxInputBytes, tooLargeMessage } from './pkg/rtcview.js';
import { fetchDump, partsInFlight } from './loader.js';

const ready = init();

// The importer's limit (decompressed bytes; formats::ImportOptions) and its
// wording, from Rust: a larger input is refused before it is read.
const tooLarge = (bytes) => ({ error: { name: 'too_large', message: tooLargeMessage(bytes) } });

/** Streams `stream` into the importer with progress, then posts the
 *  model's parts; returns the closing `{wireEnd}` message, or `{error}`.
 *  Throws the importer's error (named after its kind) as soon as a chunk
 *  shows the input cannot be read. */
async function importStream(stream, total) {
  await ready;
  const t0 = performance.now();
  const input = new ImportStream();
  if (total) input.sizeHint(total);
  const reader = stream.getReader();
  let done = 0;
  let last = 0;
  try {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      done += value.length;
      if (done > maxInputBytes()) { reader.cancel(); input.free(); return tooLarge(done); }
      input.push(value);
      const now = performance.now();
      if (now - last > 50) { postMessage({ progress: done, total }); last = now; }
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    input.free();
    throw e;
  }
  postMessage({ progress: done, total });
  postMessage({ importing: done });
  const t1 = performance.now();
  const summary = input.finish();
  // The model leaves in parts, each freed in wasm once copied out: the
  // page decodes them while the next ones are encoded. At most a few
  // parts wait in the page at a time (loader.js partsInFlight): encoding is faster than decoding in
  // steps, and the queue would otherwise hold much of the model in the
  // page's JS heap at once.
  let waitedMs = 0;
  for (let part = input.nextPart(); part !== undefined; part = input.nextPart()) {
    postMessage({ wirePart: part.buffer }, [part.buffer]);
    waitedMs += await parts.sent();
  }
  input.free();
  // Timings for the page's performance timeline (and the benchmark): the
  // worker's own work, and apart from it the time it waited for the page.
  return { wireEnd: true, summary, timings: { readAndParseMs: t1 - t0, finishMs: performance.now() - t1 - waitedMs, waitedMs } };
}

/** The page says, one by one, which parts it took into wasm memory. */
const parts = partsInFlight();
// The one message handler: flow control (the page took parts), or a job.
onmessage = ({ data }) => {
  if (data?.taken) parts.took(data.taken);
  else run(data);
};

/** One load: a File, a URL (with the bearer token when the page allows
 *  it) or bytes; posts progress, the parts and the end, or `{error}`. */
async function run(data) {
  try {
    await ready;
    const limit = maxInputBytes();
    let result;
    if (data.file) {
      if (data.file.size > limit) { postMessage(tooLarge(data.file.size)); return; }
      result = await importStream(data.file.stream(), data.file.size);
    } else if (data.url) {
      const res = await fetchDump(data.url, data.label, data.token);
      const length = Number(res.headers.get('content-length')) || 0;
      if (length > limit) { res.body?.cancel(); postMessage(tooLarge(length)); return; }
      result = await importStream(res.body, length);
    } else {
      result = await importStream(new Blob([data.bytes]).stream(), data.bytes.byteLength);
    }
    postMessage(result);
  } catch (e) {
    postMessage({ error: { name: e?.name || 'error', message: e?.message || String(e) } });
  }
}
