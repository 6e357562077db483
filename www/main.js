// rtcview page: loads a dump (sample, file picker, drag and drop, paste,
// ?url= / #url=), imports it in wasm, and shows it. Dump contents are
// untrusted: every string goes into the page with textContent, never HTML.
import init, { Viewer, version } from './pkg/rtcview.js';
import { renderSession, clearSession } from './viewer.js';

const $ = (id) => document.getElementById(id);
const SAMPLE = 'sample/session.rtcstats.gz';
const MB = 1024 * 1024;

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

let worker = null;

/** Loads `job` ({file} | {url, label} | {bytes}) in the import worker. A new
 *  load terminates the previous worker: dropping a file cancels the load. */
function load(job, name) {
  worker?.terminate();
  const w = new Worker('worker.js', { type: 'module' });
  worker = w;
  clearSession();
  $('error').hidden = true;
  progress(0, 0);
  w.onmessage = ({ data }) => {
    if (w !== worker) return;
    if (data.progress != null) progress(data.progress, data.total);
    else if (data.importing != null) {
      setStatus(`Importing ${name} (${(data.importing / MB).toFixed(1)} MB)…`);
      $('progress').removeAttribute('value');
    } else if (data.error) {
      w.terminate(); worker = null;
      showError(data.error.name, data.error.message);
    } else if (data.wire) {
      w.terminate(); worker = null;
      let viewer;
      try {
        viewer = Viewer.fromWire(data.wire);
      } catch (e) {
        showError(e.name || 'error', e.message || String(e));
        return;
      }
      $('progress').hidden = true;
      renderSession(viewer, name);
      setStatus(`Opened ${name}.`);
    }
  };
  w.onerror = (e) => { if (w === worker) showError('worker', e.message || 'the import worker failed'); };
  w.postMessage(job, job.bytes ? [job.bytes] : []);
}

const openFile = (file) => load({ file }, file.name);
const openUrl = (url, label) => { setStatus(`Fetching ${label}…`); load({ url: new URL(url, location.href).href, label }, label); };
const openBytes = (bytes, name) => load({ bytes: bytes.buffer }, name);

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
    if (text) openBytes(new TextEncoder().encode(text), 'pasted text');
  });
  const url = urlParam();
  if (url) openUrl(url, url);
  else openUrl(SAMPLE, 'the sample session');
}

start();
