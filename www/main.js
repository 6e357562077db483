// rtcview page. Standalone: opens the bundled sample, a dropped / picked /
// pasted dump, or ?url= / #url= (repeated: several dumps together, with
// "Add a dump…" to add one to what is open; calls.js). Embedded (inside a frame): speaks the embed
// protocol (docs/embedding.md) and shows nothing before a valid login.
// Dumps are imported in a Web Worker; every string from a dump goes into the
// page with textContent, never HTML.
import init, { ViewerLoader, EmbedSession, version } from './pkg/rtcview.js';
import { jobFor, loads, progressText } from './loader.js';
import { createUI } from './viewer.js';

const $ = (id) => document.getElementById(id);
const SAMPLE = 'sample/session.rtcstats.gz';
const MB = 1024 * 1024;
const embedded = window.parent !== window;
let ui = null; // the viewer UI, created once the wasm is ready

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

/** Shows bytes read and the time left (see `progressText`). */
let progressStart = 0;
function progress(done, total) {
  const p = $('progress');
  p.hidden = false;
  if (done === 0) progressStart = performance.now();
  if (total) { p.max = total; p.value = done; } else { p.removeAttribute('value'); }
  setStatus(`Reading… ${progressText(done, total, progressStart)}`);
}

let loader = null; // loads(ViewerLoader), once the wasm is ready

/** Loads `job` ({file} | {url, label, token?} | {bytes}) in the import
 *  worker, then `onViewer(viewer)` or `onError(kind, message)`. A new load
 *  cancels the previous one (loader.js `loads`, shared with mount()). */
function load(job, name, onViewer, onError) {
  closeSeveral();
  ui.clear();
  $('error').hidden = true;
  progress(0, 0);
  loader.start(job, {
    onProgress: progress,
    onBuilding: (bytes) => {
      setStatus(`Building the model of ${name} (${(bytes / MB).toFixed(1)} MB read)…`);
      $('progress').removeAttribute('value');
    },
        onPreparing: () => setStatus(`Preparing ${name}…`),
  }).then((r) => {
    if (!r) return;
    if (r.error) { onError(r.error.name, r.error.message); return; }
    $('progress').hidden = true;
    onViewer(r.viewer);
  });
}

// ---------- standalone ----------

// Deep links: the view state lives in the URL fragment (`#t=t0,t1&raw=1&
// f=f2&open=0.sdp,1.ice&pc=PC_1`, with `url=` when the session came from a
// `#url=` link), replaced as the view changes, and restored once when the
// page opens on such a link. Never data, never a token (the embedded
// viewer keeps its URL as it is).
const linkedView = readView(location.hash);
const hashUrl = new URLSearchParams(location.hash.slice(1)).get('url');

/** The view state of a fragment, or null when it holds none. */
function readView(hash) {
  const p = new URLSearchParams(hash.slice(1));
  if (!['t', 'raw', 'boring', 'f', 'open', 'pc'].some((k) => p.has(k))) return null;
  const [t0, t1] = (p.get('t') ?? '').split(',').map(Number);
  return { t0, t1, raw: p.get('raw') === '1', boring: p.get('boring') === '1', finding: p.get('f'),
    open: (p.get('open') ?? '').split(',').filter(Boolean), pc: p.get('pc') };
}

function writeView(state) {
  const p = new URLSearchParams();
  if (hashUrl) p.set('url', hashUrl);
  p.set('t', `${state.t0},${state.t1}`);
  if (state.raw) p.set('raw', '1');
  if (state.boring) p.set('boring', '1');
  if (state.finding) p.set('f', state.finding);
  if (state.open.length) p.set('open', state.open.join(','));
  if (state.pc) p.set('pc', state.pc);
  history.replaceState(null, '', `${location.pathname}${location.search}#${p}`);
}

let restoreOnce = linkedView;
function show(viewer, name) {
  ui.render(viewer, name);
  setStatus(`Opened ${name}.`);
  // The link's view applies to the session the link opened, once.
  if (restoreOnce) { ui.restoreView(restoreOnce); restoreOnce = null; }
}
const openJob = (job, name) => load(job, name, (v) => show(v, name), showError);
// [source, name] of every dump on screen ("Add a dump…" adds to them); with
// one, the sharing tools read it again.
let opened = [];
const shown = () => opened[0] ?? [];
const open = (source, name) => {
  const j = jobFor(source, name);
  opened = [[source, j.name]];
  $('add-dump').hidden = false;
  $('tools').hidden = false;
  openJob(j.job, j.name);
};
const openUrl = (url, label) => { setStatus(`Fetching ${label}…`); open(url, label); };
const openBytes = (bytes, name) => open(bytes, name);

// ---------- several dumps (calls.js, loaded when first needed) ----------
let several = null; // the view of several dumps on screen: { destroy }
function closeSeveral() {
  several?.destroy();
  several = null;
  $('app').hidden = false;
}
/** Opens several dumps together ([source, name] each): calls.js
 *  `openInPage` (merged where they are one browser's, linked where they
 *  are the two ends of a call). */
async function openMany(list) {
  if (list.length === 1) { open(...list[0]); return; }
  const calls = await import('./calls.js');
  closeSeveral();
  ui.clear();
  $('error').hidden = true;
  $('tools').hidden = true; // the sharing tools read one dump
  $('add-dump').hidden = false;
  several = await calls.openInPage(list, { loader, app: $('app'), status: setStatus, progress, error: showError });
  if (several) { opened = several.opened; $('progress').hidden = true; }
}

/** Every `url` of the query, else of the fragment (`?url=a&url=b`). */
function urlParams() {
  const q = new URLSearchParams(location.search).getAll('url');
  return q.length ? q : new URLSearchParams(location.hash.slice(1)).getAll('url');
}

function standalone() {
  const files = (list) => [...(list ?? [])].map((f) => [f]);
  $('file').addEventListener('change', (e) => e.target.files.length && openMany(files(e.target.files)));
  $('add').addEventListener('change', (e) => {
    const more = files(e.target.files);
    e.target.value = '';
    if (more.length) openMany([...opened, ...more]);
  });
  $('sample').addEventListener('click', () => openUrl(SAMPLE, 'the sample session'));
  $('tools').onclick = () => import('./tools.js').then((m) => m.default(...shown()));
  let depth = 0;
  addEventListener('dragenter', (e) => { e.preventDefault(); depth++; document.body.classList.add('dragging'); });
  addEventListener('dragover', (e) => e.preventDefault());
  addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; document.body.classList.remove('dragging'); } });
  addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    document.body.classList.remove('dragging');
    const dropped = files(e.dataTransfer?.files);
    if (dropped.length) openMany(dropped);
  });
  addEventListener('paste', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    const text = e.clipboardData?.getData('text');
    if (text) openBytes(new TextEncoder().encode(text), 'pasted text');
  });
  const urls = urlParams();
  // One URL names itself as given; several by their last path segment.
  if (urls.length) openMany(urls.map((u) => [u, urls.length > 1 ? undefined : u]));
  else openUrl(SAMPLE, 'the sample session');
}

// ---------- embedded ----------

async function embeddedMode() {
  document.body.classList.add('embedded');
  setStatus('Waiting for the host page to log in…');
  let config;
  try {
    const res = await fetch('config.json', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
    config = await res.text();
  } catch (e) {
    showError('config', `the embed configuration could not be read (${e.message}); nothing will be shown`);
    return;
  }
  let session;
  try {
    session = new EmbedSession(config);
  } catch (e) {
    showError('config', e.message);
    return;
  }
  let announcing = true;
  const post = (origin, message) => window.parent.postMessage(typeof message === 'string' ? message : JSON.stringify(message), origin);
  const announce = () => {
    if (!announcing) return;
    for (const origin of JSON.parse(session.readyTargets())) post(origin, EmbedSession.readyMessage());
    setTimeout(announce, 500);
  };
  const run = (actionsJson, buffer) => {
    let list = JSON.parse(actionsJson);
    // Several sessions at once (load.v1 data.urls): calls.js.
    const fetches = list.filter((a) => a.do === 'fetch');
    if (fetches.length > 1) {
      list = list.filter((a) => a.do !== 'fetch');
      closeSeveral();
      ui.clear();
      import('./calls.js').then(async (m) => { several = await m.embeddedSeveral(fetches, { loader, app: $('app'), status: setStatus, progress, error: showError, session, run }); });
    }
    for (const a of list) {
      switch (a.do) {
        case 'post': post(a.origin, a.message); break;
        case 'stopReady': announcing = false; break;
        // Clear also stops a load in flight: a logout or a new login never
        // shows what the previous login fetched (its result is dropped).
        case 'clear': loader.stop(); closeSeveral(); ui.clear(); $('error').hidden = true; setStatus('Waiting for the host page…'); break;
        case 'fetch': {
          setStatus('Fetching the session…');
          // `bearer`: the verified login's token, given by Rust only for a data origin.
          fetchAndAdmit({ url: a.url, label: 'the session', token: a.bearer ?? null }, 'the session');
          break;
        }
        case 'importBuffer': if (buffer) fetchAndAdmit({ bytes: buffer }, a.name); break;
        case 'show': break; // shown by fetchAndAdmit once admitted
        case 'select': (several?.uis ?? [ui]).forEach((u) => u.select(a.pc, a.stream)); break;
        case 'zoom': (several?.uis ?? [ui])[0].zoom(a.t0Ms, a.t1Ms); break;
        default: break;
      }
    }
  };
  const fetchAndAdmit = (job, name) => load(job, name, (viewer) => {
    const actions = JSON.parse(session.admit(viewer));
    if (actions.some((a) => a.do === 'show')) show(viewer, name); else viewer.free();
    run(JSON.stringify(actions.filter((a) => a.do !== 'show')));
  }, (kind, message) => {
    showError(kind, message);
    run(session.failed(kind, message)); // Rust maps the kind to the protocol's code
  });
  const maxText = EmbedSession.maxMessageBytes();
  addEventListener('message', (e) => {
    // Only the parent is heard: anything else is dropped before it is read
    // or copied into wasm (Rust checks the parent and origin again).
    if (e.source !== window.parent) return;
    let text;
    let buffer = null;
    if (typeof e.data === 'string') {
      if (e.data.length > maxText) return;
      text = e.data;
    } else if (e.data && typeof e.data === 'object') {
      const d = e.data.data;
      try {
        if (d && typeof d === 'object' && d.buffer instanceof ArrayBuffer) {
          buffer = d.buffer;
          text = JSON.stringify({ ...e.data, data: { ...d, buffer: undefined } });
        } else text = JSON.stringify(e.data);
      } catch { return; } // cycles, BigInt: not a protocol message
      if (typeof text !== 'string' || text.length > maxText) return;
    } else return;
    run(session.onMessage(text, buffer != null, e.origin, true), buffer);
  });
  new ResizeObserver(() => run(session.resized(document.documentElement.scrollHeight))).observe(document.body);
  announce();
}

async function start() {
  try {
    await init();
  } catch (e) {
    showError('startup', `the viewer could not start: ${e.message}`);
    return;
  }
  $('version').textContent = version();
  ui = createUI($('app'), embedded ? { pageTheme: true } : { pageTheme: true, onViewChange: writeView, svg: (...a) => import('./tools.js').then((m) => m.chartSvg(shown(), ...a)) });
  loader = loads(ViewerLoader);
  if (embedded) embeddedMode(); else standalone();
}

start();
