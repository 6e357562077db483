// mount(element, options): the viewer inside a host page's element, no
// iframe. Same component and import worker as the standalone page.
import init, { ViewerLoader, version } from './pkg/rtcview.js';
import { jobFor, loads, progressText } from './loader.js';
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
  // A chart's SVG is drawn by the sharing tools' module (tools.js), which
  // reads the dump on screen again: `shown` is its [source, name].
  let shown = [];
  let tools = null; // the tools module, once a chart's SVG was asked for
  const ui = createUI(element, { svg: (...a) => (tools ??= import('./tools.js')).then((m) => m.chartSvg(shown, ...a)) });
  let destroyed = false;
  const loader = loads(ViewerLoader, () => destroyed);

  const fail = (code, message) => {
    status.textContent = `${code}: ${message}`;
    status.classList.add('rv-error');
    emit('error', { code, message });
  };

    /** Loads a dump: a URL (string or URL), a File/Blob, or bytes (ArrayBuffer / typed array). */
  async function load(source, sourceName) {
    await ready();
    if (destroyed) return;
    const j = jobFor(source, sourceName);
    if (!j) {
      fail('not_a_dump', 'load() takes a URL, a File or Blob, or an ArrayBuffer');
      return;
    }
    const { job, name } = j;
    shown = [source, name];
    const started = performance.now();
    ui.clear();
    status.classList.remove('rv-error');
    status.textContent = `Loading ${name}…`;
    const r = await loader.start(job, {
      onProgress: (done, total) => { status.textContent = `Reading ${name}… ${progressText(done, total, started)}`; },
      onBuilding: () => { status.textContent = `Building the model of ${name}…`; },
    });
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
      loader.stop();
      ui.destroy();
      status.remove();
      tools?.then((m) => m.release());
    },
  };
}

export { version };
