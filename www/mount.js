// mount(element, options): the viewer inside a host page's element, no
// iframe. Same component and import worker as the standalone page.
import init, { ViewerLoader, version } from './pkg/rtcview.js';
import { jobFor, loads, progressText } from './loader.js';
import { createUI, addStylesheet } from './viewer.js';

let wasm = null;
const ready = () => (wasm ??= init());


/**
 * @param {HTMLElement} element where the viewer goes
 * @param {{ styles?: boolean }} options styles: add viewer.css (default true)
 */
export function mount(element, options = {}) {
  if (options.styles !== false) addStylesheet(new URL('./viewer.css', import.meta.url));
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
  let several = null; // the view of several dumps (open()), while shown
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
    several?.destroy();
    several = null;
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

  /** Opens several dumps together (each a URL, File/Blob or bytes; a
   *  `[source, name]` pair names one): merged where they are one
   *  browser's, linked where they are the two ends of a call (calls.js,
   *  fetched on first use with the sharing tools' module). Resolves to the
   *  document of them all, as `statsReady` carries it. */
  async function open(list) {
    await ready();
    if (destroyed) return null;
    const items = [...list].map((x) => (Array.isArray(x) ? x : [x]));
    if (items.length === 1) return load(...items[0]);
    const jobs = items.map(([source, name]) => jobFor(source, name));
    if (jobs.some((j) => !j)) {
      fail('not_a_dump', 'open() takes a list of URLs, Files or Blobs, or ArrayBuffers');
      return null;
    }
    const calls = await import('./calls.js');
    if (destroyed) return null;
    several?.destroy();
    several = null;
    ui.clear();
    shown = [];
    const names = calls.namesOf(jobs, items);
    jobs.forEach((j, i) => { j.name = names[i]; });
    const started = performance.now();
    status.classList.remove('rv-error');
    status.textContent = `Loading ${names.length} dumps…`;
    const r = await loader.start(jobs, {
      onProgress: (done, total, file, files) => { status.textContent = `Reading ${names[file]} (${file + 1} of ${files})… ${progressText(done, total, started)}`; },
      onBuilding: () => { status.textContent = `Merging and linking ${names.length} dumps…`; },
    }, calls.importSeveral);
    if (!r) return null;
    if (r.error) { fail(r.error.name, r.error.message); return null; }
    const box = document.createElement('div');
    element.append(box);
    const view = calls.showSeveral(box, r, names);
    several = { destroy() { view.destroy(); box.remove(); } };
    status.textContent = '';
    emit('statsReady', r.summary);
    return r.summary;
  }

  const readyPromise = ready().then(() => { if (!destroyed) emit('ready', { version: version() }); }, (e) => fail('startup', e.message));
  return {
    load,
    open,
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
      several?.destroy();
      ui.destroy();
      status.remove();
      tools?.then((m) => m.release());
    },
  };
}

export { version };
