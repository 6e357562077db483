// The import worker: reads a dump (File, URL or bytes) with progress,
// imports it with the same wasm as the page, and sends the model back as one
// transferable buffer (see src/model/wire.rs). The page stays responsive
// however long the import takes; a new load terminates this worker.
import init, { ImportInput } from './pkg/rtcview.js';

const ready = init();

// The importer's limit (decompressed bytes; formats::ImportOptions). A
// larger input is refused before it is read into memory.
const LIMIT = 1 << 30;
const tooLarge = (bytes) => ({ error: { name: 'too_large', message: `too large (${(bytes / 1048576).toFixed(1)} MB; limit ${LIMIT / 1048576} MB)` } });

/** Reads a stream straight into wasm memory, reporting progress. */
async function readAll(stream, total) {
  await ready;
  const input = new ImportInput(total || 0);
  const reader = stream.getReader();
  let done = 0;
  let last = 0;
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    input.push(value);
    done += value.length;
    if (done > LIMIT) { reader.cancel(); input.free(); return tooLarge(done); }
    const now = performance.now();
    if (now - last > 50) { postMessage({ progress: done, total }); last = now; }
  }
  postMessage({ progress: done, total });
  return input;
}

onmessage = async ({ data }) => {
  try {
    let input;
    if (data.file) {
      if (data.file.size > LIMIT) { postMessage(tooLarge(data.file.size)); return; }
      input = await readAll(data.file.stream(), data.file.size);
    } else if (data.url) {
      let res;
      try {
        // The bearer token is sent only when the page says the URL's origin
        // is a configured data origin; never in the URL, never logged.
        res = await fetch(data.url, { credentials: 'omit', headers: data.token ? { Authorization: `Bearer ${data.token}` } : {} });
      } catch {
        postMessage({ error: { name: 'fetch_failed', message: `could not fetch ${data.label} (network error or CORS: the server must allow this page's origin)` } });
        return;
      }
      if (!res.ok) {
        postMessage({ error: { name: 'fetch_failed', message: `could not fetch ${data.label} (HTTP ${res.status})` } });
        return;
      }
      const length = Number(res.headers.get('content-length')) || 0;
      if (length > LIMIT) { res.body?.cancel(); postMessage(tooLarge(length)); return; }
      input = await readAll(res.body, length);
    } else {
      await ready;
      input = new ImportInput(data.bytes.byteLength);
      input.push(new Uint8Array(data.bytes));
    }
    if (input.error) { postMessage(input); return; }
    postMessage({ importing: input.len() });
    const wire = input.importToWire();
    postMessage({ wire }, [wire.buffer]);
  } catch (e) {
    postMessage({ error: { name: e?.name || 'error', message: e?.message || String(e) } });
  }
};
