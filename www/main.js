// rtcview page: loads a dump (sample, file picker, drag and drop, paste,
// ?url= / #url=), imports it in wasm, and shows it. Dump contents are
// untrusted: every string goes into the page with textContent, never HTML.
import init, { Viewer, version } from './pkg/rtcview.js';
import { renderSession, clearSession } from './viewer.js';

const $ = (id) => document.getElementById(id);
const SAMPLE = 'sample/session.rtcstats.gz';
const MB = 1024 * 1024;
let loadToken = 0;

function setStatus(text) { $('status').textContent = text; }

function showError(kind, message) {
  const box = $('error');
  box.hidden = false;
  box.textContent = '';
  const k = document.createElement('strong');
  k.textContent = `${kind}: `;
  box.append(k, document.createTextNode(message));
  setStatus('Could not open this file.');
  $('progress').hidden = true;
}

function progress(done, total) {
  const p = $('progress');
  p.hidden = false;
  if (total) { p.max = total; p.value = done; } else { p.removeAttribute('value'); }
  setStatus(total ? `Reading… ${(done / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB` : `Reading… ${(done / MB).toFixed(1)} MB`);
}

/** Reads a stream to bytes with progress; stops if a newer load started. */
async function readStream(stream, total, token) {
  const reader = stream.getReader();
  const chunks = [];
  let done = 0;
  for (;;) {
    const { value, done: end } = await reader.read();
    if (token !== loadToken) { reader.cancel(); return null; }
    if (end) break;
    chunks.push(value);
    done += value.length;
    progress(done, total);
  }
  const bytes = new Uint8Array(done);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  return bytes;
}

async function openBytes(bytes, name) {
  setStatus(`Importing ${name}…`);
  // Let the status paint before the import takes the thread.
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  clearSession();
  let viewer;
  try {
    viewer = Viewer.open(bytes);
  } catch (e) {
    showError(e.name || 'error', e.message || String(e));
    return;
  }
  $('error').hidden = true;
  $('progress').hidden = true;
  renderSession(viewer, name);
  setStatus(`Opened ${name}.`);
}

async function openFile(file) {
  const token = ++loadToken;
  const bytes = await readStream(file.stream(), file.size, token);
  if (bytes) await openBytes(bytes, file.name);
}

async function openUrl(url, label) {
  const token = ++loadToken;
  setStatus(`Fetching ${label}…`);
  let res;
  try {
    res = await fetch(url, { credentials: 'omit' });
  } catch (e) {
    showError('fetch_failed', `could not fetch ${label} (network error or CORS: the server must allow this page's origin)`);
    return;
  }
  if (!res.ok) { showError('fetch_failed', `could not fetch ${label} (HTTP ${res.status})`); return; }
  const total = Number(res.headers.get('content-length')) || 0;
  const bytes = await readStream(res.body, total, token);
  if (bytes) await openBytes(bytes, label);
}

function urlParam() {
  const q = new URLSearchParams(location.search).get('url');
  const h = new URLSearchParams(location.hash.slice(1)).get('url');
  return q || h;
}

async function start() {
  try {
    await init();
  } catch (e) {
    showError('startup', `the viewer could not start: ${e.message}`);
    return;
  }
  $('version').textContent = version();
  $('file').addEventListener('change', (e) => e.target.files[0] && openFile(e.target.files[0]));
  $('sample').addEventListener('click', () => openUrl(SAMPLE, 'the sample session'));
  let depth = 0;
  addEventListener('dragenter', (e) => { e.preventDefault(); depth++; document.body.classList.add('dragging'); });
  addEventListener('dragover', (e) => e.preventDefault());
  addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; document.body.classList.remove('dragging'); } });
  addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    document.body.classList.remove('dragging');
    const f = e.dataTransfer?.files?.[0];
    if (f) openFile(f);
  });
  addEventListener('paste', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    const text = e.clipboardData?.getData('text');
    if (text) { ++loadToken; openBytes(new TextEncoder().encode(text), 'pasted text'); }
  });
  const url = urlParam();
  if (url) await openUrl(url, url);
  else await openUrl(SAMPLE, 'the sample session');
}

start();
