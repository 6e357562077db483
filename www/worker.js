// The import worker: reads a dump (File, URL or bytes) with progress,
// imports it with the same wasm as the page, and sends the model back as one
// transferable buffer (see src/model/wire.rs). The page stays responsive
// however long the import takes; a new load terminates this worker.
import init, { importToWire } from './pkg/rtcview.js';

const ready = init();

// The importer's limit (decompressed bytes; formats::ImportOptions). A
// larger input is refused before it is read into memory.
const LIMIT = 1 << 30;
const tooLarge = (bytes) => ({ error: { name: 'too_large', message: `too large (${(bytes / 1048576).toFixed(1)} MB; limit ${LIMIT / 1048576} MB)` } });

async function readAll(stream, total) {
  const reader = stream.getReader();
  const chunks = [];
  let done = 0;
  let last = 0;
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    chunks.push(value);
    done += value.length;
    const now = performance.now();
    if (now - last > 50) { postMessage({ progress: done, total }); last = now; }
  }
  postMessage({ progress: done, total });
  const bytes = new Uint8Array(done);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  return bytes;
}

onmessage = async ({ data }) => {
  try {
    let bytes;
    if (data.file) {
      if (data.file.size > LIMIT) { postMessage(tooLarge(data.file.size)); return; }
      bytes = await readAll(data.file.stream(), data.file.size);
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
      bytes = await readAll(res.body, length);
    } else {
      bytes = new Uint8Array(data.bytes);
    }
    await ready;
    postMessage({ importing: bytes.length });
    const wire = importToWire(bytes);
    postMessage({ wire }, [wire.buffer]);
  } catch (e) {
    postMessage({ error: { name: e?.name || 'error', message: e?.message || String(e) } });
  }
};
