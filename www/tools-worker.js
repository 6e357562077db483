// The sharing tools' worker (tools.js): reads the dump again (the File, the
// URL or the bytes the page opened), runs the tool in its own wasm module
// (src/app/tools.rs) and posts the copy back as a Blob. A redacted copy is
// made as the file streams through (gzip in, gunzipped in wasm; gzip out,
// by the browser's CompressionStream); the other tools read the whole
// dump, as the viewer does.
import init, { ChartSvg, RedactStream, tool } from './tools/tools.js';

const ready = init();
// The last dump whose charts were asked for, read once: {key, charts}.
let drawn = null;

async function blobOf(source) {
  if (source instanceof Blob) return source;
  if (typeof source === 'string') {
    const res = await fetch(source, { credentials: 'omit', cache: 'no-store' });
    if (!res.ok) throw new Error(`could not fetch the dump again (HTTP ${res.status})`);
    return res.blob();
  }
  return new Blob([source]);
}

async function redact(blob, keepPrivate) {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  // gunzipped in wasm: the browser's DecompressionStream refuses a second
  // gzip member, which some writers append.
  const stream = blob.stream();
  const r = new RedactStream(keepPrivate, gzipped);
  const parts = [];
  let read = 0;
  let last = 0;
  try {
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      // One push returns at most about 50 MiB; the rest of the chunk
      // waits in it (a piece of gzip may inflate a thousandfold).
      parts.push(r.push(value));
      while (r.pending()) parts.push(r.push(new Uint8Array(0)));
      read += value.length;
      if (read - last > 16 * 1048576) { last = read; postMessage({ progress: read }); }
    }
    parts.push(r.finish());
    const note = r.summary();
    let out = new Blob(parts);
    if (gzipped) out = await new Response(out.stream().pipeThrough(new CompressionStream('gzip'))).blob();
    return { blob: out, note, gzipped };
  } finally {
    // After a trap the value is still marked borrowed and free() throws:
    // the first error is the one to report.
    try { r.free(); } catch { /* already reported */ }
  }
}

onmessage = async ({ data }) => {
  try {
    await ready;
    const blob = await blobOf(data.source);
    if (data.op === 'redact') {
      postMessage(await redact(blob, data.keepPrivate));
    } else if (data.op === 'svg') {
      const key = `${typeof data.source === 'string' ? data.source : data.name}|${blob.size}|${blob.lastModified ?? ''}`;
      if (drawn?.key !== key) {
        drawn?.charts.free();
        drawn = null;
        drawn = { key, charts: new ChartSvg(new Uint8Array(await blob.arrayBuffer())) };
      }
      const h = data.highlight?.length ? new Float64Array(data.highlight) : undefined;
      postMessage({ svg: drawn.charts.svg(data.id, data.t0, data.t1, data.width, data.height, data.dark, h, data.origin) });
    } else {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      postMessage({ blob: new Blob([tool(bytes, data.name, data.op)]) });
    }
  } catch (e) {
    postMessage({ error: `${e?.name || 'error'}: ${e?.message || e}` });
  }
};
