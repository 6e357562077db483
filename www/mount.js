// mount(element, options): the viewer inside a host page's element, no
// iframe. Same component and import worker as the standalone page.
import init, { ViewerLoader, version } from './pkg/rtcview.js';
import { importInWorker, progressText } from './loader.js';
import { createUI } from './viewer.js';

let wasm = null;
const ready = () => (wasm ??= init());

/** Adds the component stylesheet once per document (no inline styles: CSP). */
function ensureStyles() {
  const href = new URL('./viewer.css', import.meta.url).href;
  if ([...document.querySelectorAll('link[rel=stylesheet]')].some((l) => l.href === href)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.append(link);
}

/**
 * @param {HTMLElement} element where the viewer goes
 * @param {{ styles?: boolean }} options styles: add viewer.css (default true)
 */
export function mount(element, options = {}) {
  if (options.styles !== false) ensureStyles();
  const events = new EventTarget();
  const emit = (type, detail) => events.dispatchEvent(new CustomEvent(type, { detail }));
  const status = document.createElement('p');
  status.className = 'rv-status';
  status.setAttribute('role', 'status');
  element.append(status);
  const ui = createUI(element);
  let worker = null;
  let destroyed = false;

  const fail = (code, message) => {
    status.textContent = `${code}: ${message}`;
    status.classList.add('rv-error');
    emit('error', { code, message });
  };

  let generation = 0;
  /** Loads a dump: a URL (string or URL), a File/Blob, or bytes (ArrayBuffer / typed array). */
  async function load(source, name) {
    await ready();
    if (destroyed) return;
    let job;
    if (typeof source === 'string' || source instanceof URL) {
      const url = new URL(String(source), location.href).href;
      job = { url, label: name ?? url };
    } else if (typeof Blob !== 'undefined' && source instanceof Blob) {
      job = { file: source };
      name ??= source.name ?? 'file';
    } else if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
      const view = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
      job = { bytes: view.slice().buffer };
    } else {
      fail('not_a_dump', 'load() takes a URL, a File or Blob, or an ArrayBuffer');
      return;
    }
    name ??= job.label ?? 'session';
    const current = ++generation;
    const started = performance.now();
    worker?.terminate();
    ui.clear();
    status.classList.remove('rv-error');
    status.textContent = `Loading ${name}…`;
    const run = importInWorker(ViewerLoader, job, {
      isCancelled: () => destroyed || generation !== current,
      onProgress: (done, total) => { status.textContent = `Reading ${name}… ${progressText(done, total, started)}`; },
      onBuilding: () => { status.textContent = `Building the model of ${name}…`; },
    });
    worker = run.worker;
    const r = await run.result;
    if (!r) return null;
    if (r.error) { fail(r.error.name, r.error.message); return null; }
    const summary = JSON.parse(r.viewer.summary());
    ui.render(r.viewer, name);
    status.textContent = '';
    emit('statsReady', summary);
    return summary;
  }

  const readyPromise = ready().then(() => { if (!destroyed) emit('ready', { version: version() }); }, (e) => fail('startup', e.message));
  return {
    load,
    ready: readyPromise,
    on(type, fn) {
      events.addEventListener(type, fn);
      return () => events.removeEventListener(type, fn);
    },
    select: (pc, stream) => ui.select(pc, stream),
    zoom: (t0Ms, t1Ms) => ui.zoom(t0Ms, t1Ms),
    /** Stops any load, removes the viewer and every listener it added. */
    destroy() {
      destroyed = true;
      worker?.terminate();
      worker = null;
      ui.destroy();
      status.remove();
    },
  };
}

export { version };
