// The sharing tools of the page (README "Share", docs/redaction.md,
// docs/conversion.md, docs/performance.md "Size budget"): a redacted copy, the
// dump in the other family, the one-file report and the summary JSON, made
// in this page by the same Rust code as `rtcview redact|convert|report|
// summary`. Loaded on first use (main.js): this file, tools.css, the
// worker and its wasm module are not part of what the viewer loads to show
// a session. Every text here is set with textContent.

let dialog = null;
let worker = null;
let current = null; // [source, name]: the dump on screen

/** The name of a copy: the dump's name without its extensions, plus `suffix`. */
const named = (name, suffix) => `${name.replace(/\.gz$/i, '').replace(/\.(txt|json|jsonl|rtcstats|log)$/i, '') || 'dump'}${suffix}`;

/** The copy of `name` an operation writes: its file name and MIME type. */
function output(op, name, gzipped) {
  switch (op) {
    case 'redact': {
      const ext = name.match(/(\.[a-z]+)?(\.gz)?$/i)[0] || (gzipped ? '.gz' : '');
      return [named(name, `.redacted${ext}`), gzipped ? 'application/gzip' : 'text/plain'];
    }
    case 'webrtc-internals': return [named(name, '.webrtc-internals.json'), 'application/json'];
    case 'rtcstats': return [named(name, '.rtcstats'), 'text/plain'];
    case 'report': return [named(name, '.report.html'), 'text/html'];
    default: return [named(name, '.summary.json'), 'application/json'];
  }
}

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function save(blob, name) {
  const a = el('a', '', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

function build() {
  const link = el('link', '', { rel: 'stylesheet', href: new URL('tools.css', import.meta.url).href });
  document.head.append(link);
  dialog = el('dialog', '', { class: 'rv-tools', 'aria-labelledby': 'rv-tools-title' });
  const status = el('p', '', { role: 'status', class: 'rv-tools-status' });
  const keep = el('input', '', { type: 'checkbox', id: 'rv-tools-keep' });
  const rows = [
    ['redact', 'Redacted copy', 'Same format. Every IP address becomes a documentation address (the same one each time); TURN credentials, ICE ufrag/pwd, DTLS fingerprints, certificates, device and track labels and URL queries are replaced.'],
    ['webrtc-internals', 'As webrtc-internals', 'For tools that read only Chrome\'s internals dump (JSON, as Chrome M144+ writes it).'],
    ['rtcstats', 'As rtcstats', 'For tools that read only rtcstats dumps (fileFormat 3, as Chrome\'s own writer).'],
    ['report', 'Report', 'One HTML file: the verdict and its evidence, the charts of the streams with findings, each connection\'s log. No script, nothing fetched.'],
    ['summary', 'Summary (JSON)', 'The rtcview-summary document: connections, streams, findings and score.'],
  ];
  dialog.append(el('h2', 'Share this dump', { id: 'rv-tools-title' }),
    el('p', 'Made in this page: nothing is uploaded. Conversions, report and summary are made from the session as read (what rtcview does not read is not in them); a redacted copy is the file itself with its addresses and secrets replaced.', { class: 'rv-tools-note' }));
  const list = el('ul');
  const buttons = [];
  for (const [op, label, what] of rows) {
    const li = el('li');
    const b = el('button', label, { type: 'button', 'data-op': op });
    b.addEventListener('click', () => run(op, keep.checked, status, buttons));
    buttons.push(b);
    li.append(b, el('span', ` ${what}`));
    if (op === 'redact') {
      const l = el('label', ' keep private, loopback and link-local addresses', { for: 'rv-tools-keep' });
      li.append(el('br'), keep, l);
    }
    list.append(li);
  }
  const close = el('button', 'Close', { type: 'button' });
  close.addEventListener('click', () => dialog.close());
  dialog.append(list, status, close);
  document.body.append(dialog);
}

/** One job in the tools' worker: resolves with its answer ({blob, note,
 *  gzipped} or {svg}), rejects with its error; `onProgress(bytes read)`.
 *  Jobs run one after another (two SVGs asked for at once must not take
 *  each other's answer). */
let queue = Promise.resolve();
function call(message, onProgress = () => {}) {
  const job = queue.then(() => new Promise((resolve, reject) => {
    worker ??= new Worker(new URL('tools-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => {
      if (data.progress !== undefined) return onProgress(data.progress);
      if (data.error) {
        // A failed job may have left its wasm instance unusable (a trap):
        // the next job starts a fresh worker.
        worker.terminate();
        worker = null;
        reject(new Error(data.error));
      } else resolve(data);
    };
    worker.postMessage(message);
  }));
  queue = job.catch(() => {});
  return job;
}

/** Ends the tools' worker and what it holds (the last dump whose charts
 *  were drawn): mount()'s destroy(). The next job starts a new one. */
export function release() {
  worker?.terminate();
  worker = null;
  queue = Promise.resolve();
}

/** The dump on screen as the worker takes it: a URL made absolute. */
const sourceOf = (source) => (typeof source === 'string' ? new URL(source, location.href).href : source);

async function run(op, keepPrivate, status, buttons) {
  const [source, name] = current;
  for (const b of buttons) b.disabled = true;
  status.textContent = 'Working…';
  try {
    const data = await call({ op, source: sourceOf(source), name, keepPrivate },
      (read) => { status.textContent = `Working… ${(read / 1048576).toFixed(0)} MB read`; });
    const [file, type] = output(op, name, data.gzipped);
    save(new Blob([data.blob], { type }), file);
    const size = data.blob.size < 1048576 ? `${Math.ceil(data.blob.size / 1024)} KB` : `${(data.blob.size / 1048576).toFixed(1)} MB`;
    status.textContent = `Saved ${file} (${size})${data.note ? `: ${data.note}` : ''}.`;
  } catch (e) {
    status.textContent = `Could not: ${e.message}`;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/** A chart as SVG (its "SVG" export), drawn by the same Rust code as the
 *  canvas, through plotters' SVG backend: `[source, name]` the dump on
 *  screen, then the chart, its range and look, and the file name. */
export async function chartSvg([source, name], id, t0, t1, width, height, dark, highlight, origin, file) {
  try {
    const { svg } = await call({ op: 'svg', source: sourceOf(source), name, id, t0, t1, width, height, dark, highlight, origin });
    save(new Blob([svg], { type: 'image/svg+xml' }), `${file}.svg`);
  } catch (e) {
    // The standalone page says it in its status line; a host page (mount())
    // has none of ours.
    const status = document.getElementById('status');
    if (status) status.textContent = `Could not make the SVG: ${e.message}`;
    else throw e;
  }
}

/** Opens the tools for the dump on screen (`source`: a File/Blob, a URL,
 *  or bytes, as main.js opened it). */
export default function openTools(source, name) {
  if (!dialog) build();
  // A file's name; for a URL its last path segment (not the label).
  const file = typeof source === 'string' ? new URL(source, location.href).pathname.split('/').pop() : source?.name || name;
  current = [source, file || 'dump'];
  dialog.showModal();
}
