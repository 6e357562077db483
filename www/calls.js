// Several dumps on one screen (issue 15), loaded only when several are
// opened: the dumps are read, merged and linked in a worker running the
// sharing tools' module (combine-worker.js); each browser's session comes
// back as its own Viewer and is shown in its own column, side by side, the
// columns' time axes moving together on one clock (corrected by the
// link's clock offset, or aligned at a chosen moment for two calls). Above
// them: the call panel — which connection is linked to which, the offset,
// per direction what one end sent against what the other received on one
// chart, the findings of one end that explain the other's — or, for two
// unrelated calls, the same metric of both on one chart with their figures
// side by side. Every string from a dump goes in with textContent.
import { jobFor, progressText, transferToViewer } from './loader.js';
// The DOM helpers through viewer.js: dist/ ships the viewer's modules
// bundled in it (scripts/build.sh), dom.js is not a file there.
import { createUI, el, table, addStylesheet, isDark, fitCanvas, paintSwatches } from './viewer.js';

const CHART_HEIGHT = 170;


/** Imports `jobs` (loader.js `jobFor(…).job`, each with its `name`)
 *  together in combine-worker.js. Callbacks as loader.js
 *  `importInWorker`, `onProgress(done, total, file, files)`. Returns
 *  `{ worker, result }`: `result` resolves to `{ viewers, sources,
 *  summary }` (per browser its Viewer and the indexes of the dumps it was
 *  merged from; the document of them all), `{ error }`, or null once
 *  cancelled. `apart`: never merge (every dump its own browser). */
export function importSeveral(ViewerLoader, jobs, { onProgress = () => {}, onBuilding = () => {}, isCancelled = () => false, apart = false } = {}) {
  const worker = new Worker(new URL('./combine-worker.js', import.meta.url), { type: 'module' });
  const result = new Promise((resolve) => {
    const transfers = [];
    const sources = [];
    const fail = (name, message) => {
      worker.terminate();
      Promise.all(transfers.map((t) => t.viewer.catch(() => null))).then((vs) => vs.forEach((v) => v?.free()));
      resolve(isCancelled() ? null : { error: { name, message } });
    };
    const transfer = (end) => (transfers[end] ??= transferToViewer(ViewerLoader, isCancelled, () => worker.postMessage({ taken: 1 })));
    worker.onmessage = ({ data }) => {
      if (isCancelled()) { worker.terminate(); return; }
      if (data.progress != null) onProgress(data.progress, data.total, data.file, data.files);
      else if (data.importing) onBuilding();
      else if (data.error) fail(data.error.name, data.error.message);
      else if (data.wirePart) transfer(data.end).push(data.wirePart);
      else if (data.endDone != null) { sources[data.endDone] = data.sources; transfer(data.endDone).end(data.summary); }
      else if (data.wireEnd) {
        worker.terminate();
        Promise.all(transfers.map((t) => t.viewer)).then((viewers) => {
          if (isCancelled() || viewers.some((v) => !v)) { viewers.forEach((v) => v?.free()); resolve(null); return; }
          resolve({ viewers, sources, summary: JSON.parse(data.summary) });
        }, (e) => fail(e.name || 'error', e.message || String(e)));
      }
    };
    worker.onerror = (e) => { if (!isCancelled()) fail('worker', e.message || 'the combining worker failed'); };
    worker.postMessage({ jobs: jobs.map((j) => ({ ...j.job, name: j.name })), apart }, jobs.flatMap((j) => (j.job.bytes ? [j.job.bytes] : [])));
  });
  return { worker, result };
}

/** The names of several dumps (`jobFor` results, in order): as given, or
 *  for a URL given without one, its last path segment (a URL's query may
 *  hold a signed token; the names go into the document handed out). */
export function namesOf(jobs, list) {
  const last = (url) => {
    const segment = new URL(url).pathname.split('/').filter(Boolean).pop() ?? 'dump';
    try { return decodeURIComponent(segment); } catch { return segment; }
  };
  return jobs.map((j, i) => (j.job.url && list[i][1] == null ? last(j.job.url) : j.name));
}

/** Loads `jobs` together for a page (`{ loader, app, status, progress,
 *  error }`), then `admit(r)` says whether to show them (default: yes);
 *  shown after `app`, which is hidden. Resolves to `{ uis, destroy }`, or
 *  null when superseded, failed or not admitted. */
async function loadInPage(jobs, names, page, { apart = false, admit = () => true, shown = () => {} } = {}) {
  const started = performance.now();
  page.progress(0, 0);
  const r = await page.loader.start(jobs, {
    apart,
    onProgress: (done, total, file, files) => {
      page.progress(done, total);
      page.status(`Reading ${names[file]} (${file + 1} of ${files})… ${progressText(done, total, started)}`);
    },
    onBuilding: () => page.status(`Merging and linking ${names.length} dumps…`),
  }, importSeveral);
  if (!r) return null;
  if (r.error) { page.error(r.error.name, r.error.message); return null; }
  if (!admit(r)) { r.viewers.forEach((v) => v.free()); return null; }
  page.app.hidden = true;
  const root = el('div');
  page.app.after(root);
  const view = showSeveral(root, r, names, { pageTheme: true });
  const linked = r.summary.links.length;
  page.status(`Opened ${names.length} dumps: ${r.viewers.length} ${r.viewers.length === 1 ? 'browser' : 'browsers'}, ${linked} linked ${linked === 1 ? 'connection' : 'connections'}.`);
  shown();
  return { uis: view.uis, destroy() { view.destroy(); root.remove(); } };
}

/** The standalone page's "several dumps" (main.js): `list` of
 *  `[source, name?]`. Resolves to `{ opened, uis, destroy }` once shown
 *  (`opened`: the `[source, name]` of each dump), null otherwise. */
export async function openInPage(list, page) {
  const jobs = list.map(([source, name]) => jobFor(source, name));
  const names = namesOf(jobs, list);
  jobs.forEach((j, i) => { j.name = names[i]; });
  const shown = await loadInPage(jobs, names, page);
  return shown && { ...shown, opened: list.map(([source], i) => [source, names[i]]) };
}

/** The embedded viewer's several `fetch` actions of one message (load.v1
 *  with `data.urls`): each URL fetched with the bearer Rust gave it (only
 *  a data origin's), the dumps linked but never merged, each admitted by
 *  Rust under the login (`admit`: the filter, masking; its own
 *  statsReady.v1 not sent), then the document of them all
 *  (`admitSeveral`: masked, statsReady.v1 to the verified origin).
 *  `page`: `{ loader, app, status, progress, error, session, run }`. */
export function embeddedSeveral(fetches, page) {
  const names = namesOf(fetches.map((f) => ({ job: { url: f.url } })), fetches.map((f) => [f.url]));
  const jobs = fetches.map((f, i) => ({ job: { url: f.url, label: names[i], token: f.bearer ?? null }, name: names[i] }));
  let after = [];
  return loadInPage(jobs, names, {
    ...page,
    error: (kind, message) => { page.error(kind, message); page.run(page.session.failed(kind, message)); },
  }, {
    apart: true,
    admit: (r) => {
      for (const v of r.viewers) {
        const acts = JSON.parse(page.session.admit(v));
        // Refused (forbidden): Rust's clear and error.v1, nothing shown.
        if (!acts.some((a) => a.do === 'show')) { page.run(JSON.stringify(acts)); return false; }
      }
      after = JSON.parse(page.session.admitSeveral(JSON.stringify(r.summary)));
      const show = after.some((a) => a.do === 'show');
      if (!show) page.run(JSON.stringify(after));
      return show;
    },
    // statsReady.v1 once what it describes is on screen.
    shown: () => page.run(JSON.stringify(after.filter((a) => a.do !== 'show'))),
  });
}

const fmt = (v, digits = 1) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const signed = (v, digits = 1) => (v == null || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`);

/** What the comparison's figures table reads of a stream summary. */
const FIGURES = [
  ['bitrate, kbps (mean)', (r) => r?.bitrateKbps?.mean],
  ['packets lost, %', (r) => r?.packetsLostPct],
  ['jitter, ms (mean)', (r) => r?.jitterMs?.mean],
  ['round trip, ms (mean)', (r) => r?.rttMs?.mean],
  ['frames per second (mean)', (r) => r?.framesPerSecond?.mean],
];

/**
 * Shows several browsers' sessions in `root`: the call panel, then one
 * column per browser. `opened` is `importSeveral`'s result; `names` the
 * dumps' names in the order given. Returns `{ uis, destroy }` (`uis`: the
 * columns' viewer UIs, for the host commands select.v1 and zoom.v1).
 */
export function showSeveral(root, opened, names, options = {}) {
  addStylesheet(new URL('./calls.css', import.meta.url));
  const { viewers, sources, summary: doc } = opened;
  const life = new AbortController();
  const on = (t, type, fn) => t.addEventListener(type, fn, { signal: life.signal });
  const summaries = viewers.map((v) => JSON.parse(v.summary()));
  const charts = viewers.map((v) => JSON.parse(v.charts(false)));
  const endOf = (source) => sources.findIndex((s) => s.includes(source));
  const endName = (e) => sources[e].map((i) => names[i] ?? `dump ${i + 1}`).join(' + ');

  // ---- one clock: shift[e] ms take end 0's clock to end e's ----
  const links = doc.links.map((l) => ({ ...l, ea: endOf(l.a.source), eb: endOf(l.b.source) }));
  const firstConnected = (s) => Math.min(...s.peerConnections.flatMap((p) => p.connectionStates.filter((c) => c.state === 'connected' && c.tMs != null).map((c) => c.tMs)));
  const anchors = {
    clock: () => 0,
    start: (e) => (viewers[e].timeRange()[0] ?? 0),
    connected: (e) => firstConnected(summaries[e]),
  };
  let align = links.some((l) => l.clockOffsetMs != null) ? 'clock' : 'start';
  const shift = viewers.map(() => 0);
  function computeShifts() {
    viewers.forEach((_, e) => {
      if (e === 0) return;
      const l = links.find((k) => (k.ea === 0 && k.eb === e) || (k.eb === 0 && k.ea === e));
      if (align === 'clock' && l?.clockOffsetMs != null) shift[e] = l.ea === 0 ? l.clockOffsetMs : -l.clockOffsetMs;
      else if (align === 'clock') shift[e] = 0;
      else {
        const a = anchors[align](0);
        const b = anchors[align](e);
        shift[e] = Number.isFinite(a) && Number.isFinite(b) ? b - a : 0;
      }
    });
  }
  computeShifts();
  /** Each column's visible range, on its own clock. */
  const ranges = viewers.map((v) => v.timeRange());
  /** The two-layer figures: `{ fig, draw }`. */
  const figures = [];
  let frame = 0;

  // ---- the call panel ----
  root.classList.add('rv-calls');
  const panel = el('section', { cls: 'rv-root rv-call', attrs: { 'aria-label': 'The call across dumps' } });
  panel.append(el('h2', { text: `${names.length} dumps · ${viewers.length} ${viewers.length === 1 ? 'browser' : 'browsers'}` }));
  // Each dump with what its import said (doc.diagnostics carry their dump).
  const said = (i) => {
    const list = doc.diagnostics.filter((d) => d.source === i);
    if (!list.length) return 'none';
    const box = el('details', {}, el('summary', { text: `${list.length} ${list.length === 1 ? 'note' : 'notes'}` }));
    for (const d of list) box.append(el('p', { text: `${d.severity} · ${d.kind}: ${d.message}${d.key ? ` (${d.key})` : ''}${d.line ? ` (line ${d.line})` : ''}` }));
    return box;
  };
  panel.append(table(['', 'dump', 'format', 'browser', 'diagnostics'], doc.sources.map((s, i) => [String(i + 1), s.name ?? '–', `${s.format} (${s.dialect})`, `column ${endOf(i) + 1}`, said(i)]), 'rv-sources'));
  if (viewers.length > 1) {
    const select = el('select', { cls: 'rv-align', attrs: { 'aria-label': 'Align the columns' } },
      el('option', { text: links.some((l) => l.clockOffsetMs != null) ? 'on one clock (corrected by the measured offset)' : 'on the same clock time', attrs: { value: 'clock' } }),
      el('option', { text: 'at each browser’s first record', attrs: { value: 'start' } }),
      el('option', { text: 'at each browser’s first “connected”', attrs: { value: 'connected' } }));
    select.value = align;
    on(select, 'change', () => { align = select.value; computeShifts(); follow(0, ...ranges[0]); });
    panel.append(el('p', {}, el('label', { text: 'Time axes: ' }, select)));
  }
  const findingById = new Map(doc.findings.map((f) => [f.id, f]));
  for (const l of links) {
    const box = el('div', { cls: 'rv-link' });
    const offset = l.clockOffsetMs == null
      ? (l.direct ? 'no sender report to measure the clock offset' : 'through a media server: its RTCP ends there, no clock offset')
      : `clock offset ${signed(l.clockOffsetMs)} ms ± ${fmt(l.clockOffsetUncertaintyMs)} ms (column ${l.eb + 1} minus column ${l.ea + 1})`;
    box.append(el('h3', { text: `Linked: ${l.a.peerConnection} (${names[l.a.source]}) ↔ ${l.b.peerConnection} (${names[l.b.source]})` }),
      el('p', { text: `The two ends of one connection: shared ${l.evidence.join(', ')}; ${offset}.` }));
    if (l.explained.length) {
      const list = el('ul', { cls: 'rv-explained' });
      for (const x of l.explained) {
        const s = findingById.get(x.symptom);
        const c = findingById.get(x.cause);
        if (s && c) list.append(el('li', {}, el('strong', { text: `${names[s.source] ?? ''}: ` }), el('span', { text: s.message }), el('br'), el('span', { cls: 'rv-because', text: `follows, on the other end (${names[c.source] ?? ''}): ${c.message}` })));
      }
      box.append(el('h4', { text: 'The other end explains' }), list);
    }
    for (const dir of ['a', 'b']) {
      const from = dir === 'a' ? l.ea : l.eb;
      const to = dir === 'a' ? l.eb : l.ea;
      const fromPc = dir === 'a' ? l.a.peerConnection : l.b.peerConnection;
      const toPc = dir === 'a' ? l.b.peerConnection : l.a.peerConnection;
      for (const s of l.streams.filter((x) => x.from === dir)) {
        const sent = summaries[from].peerConnections.find((p) => p.id === fromPc)?.rtp.find((r) => r.ssrc === s.ssrc && r.direction === 'outbound');
        const got = summaries[to].peerConnections.find((p) => p.id === toPc)?.rtp.find((r) => r.ssrc === s.ssrc && r.direction === 'inbound');
        if (!sent || !got) continue;
        box.append(el('h4', { text: `${s.kind ?? 'stream'} ${s.ssrc}: column ${from + 1} sends, column ${to + 1} receives` }));
        for (const metric of s.kind === 'video' ? ['bitrate', 'packets', 'fps'] : ['bitrate', 'packets']) {
          const a = charts[from].find((c) => c.pcId === fromPc && c.statsId === sent.statsId && c.metric === metric);
          const b = charts[to].find((c) => c.pcId === toPc && c.statsId === got.statsId && c.metric === metric);
          if (a && b) box.append(pairFigure(from, a, to, b, 'sent', 'received'));
        }
        {
          const loss = charts[to].find((c) => c.pcId === toPc && c.statsId === got.statsId && c.metric === 'loss');
          const out = charts[from].find((c) => c.pcId === fromPc && c.statsId === sent.statsId && c.metric === 'loss');
          if (loss && out) box.append(pairFigure(from, out, to, loss, 'reported by the receiver to the sender', 'lost at the receiver'));
        }
      }
    }
    panel.append(box);
  }
  for (const u of doc.unlinked) panel.append(el('p', { cls: 'rv-unlinked', text: u }));
  if (viewers.length > 1 && !links.some((l) => (l.ea === 0 && l.eb === 1) || (l.ea === 1 && l.eb === 0))) panel.append(comparison());

  // ---- the columns ----
  const columns = el('div', { cls: 'rv-root rv-ends' });
  const uis = [];
  let following = false;
  /** Column `e` moved to `t0..t1` (its clock): the others follow. */
  function follow(e, t0, t1) {
    if (following || t0 == null) return;
    following = true;
    try {
      ranges[e] = [t0, t1];
      uis.forEach((ui, j) => {
        if (j === e) return;
        ranges[j] = [t0 - shift[e] + shift[j], t1 - shift[e] + shift[j]];
        ui.zoom(...ranges[j]);
      });
    } finally { following = false; }
    redraw();
  }
  viewers.forEach((v, e) => {
    const col = el('div', { cls: 'rv-end' });
    const name = endName(e);
    col.append(el('h2', { cls: 'rv-end-name', text: `${e + 1} · ${name}` }));
    const box = el('div');
    col.append(box);
    columns.append(col);
    const ui = createUI(box, { pageTheme: e === 0 && options.pageTheme, onRange: (t0, t1) => follow(e, t0, t1) });
    ui.render(v, name);
    uis.push(ui);
  });
  root.append(panel, columns);
  if (viewers.length > 1) follow(0, ...ranges[0]);

  // ---- figures of two layers on one axis ----
  function pairFigure(ea, a, eb, b, labelA, labelB) {
    const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${a.title} (${labelA}, column ${ea + 1}) against ${b.title} (${labelB}, column ${eb + 1})` } });
    const legend = el('span', { cls: 'legend' });
    [...a.lines.map((l) => `${labelA} · ${l}`), ...b.lines.map((l) => `${labelB} · ${l}`)].forEach((l, k) => legend.append(el('span', { cls: 'swatch', attrs: { 'data-line': k } }), el('span', { text: l })));
    const fig = el('figure', { cls: 'rv-pair' }, el('figcaption', {}, el('span', { cls: 'title', text: a.title === b.title ? a.title : `${a.title} · ${b.title}` }), a.unit ? el('span', { cls: 'unit', text: a.unit }) : null, legend), canvas);
    figures.push({ fig, canvas, draw: () => drawPair(canvas, legend, ea, a.id, eb, b.id) });
    return fig;
  }
  function drawPair(canvas, legend, ea, ida, eb, idb) {
    const dpr = fitCanvas(canvas, CHART_HEIGHT);
    const [t0, t1] = ranges[ea] ?? viewers[ea].timeRange();
    if (t0 == null) return;
    const dark = isDark(root);
    try {
      viewers[ea].drawWith(canvas, ida, viewers[eb], idb, shift[ea] - shift[eb], t0, t1, undefined, dpr, dark);
      paintSwatches(legend, dark);
    } catch (e) {
      canvas.setAttribute('aria-label', `could not draw: ${e.message}`);
    }
  }
  function redraw() {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => figures.forEach((f) => f.fig.isConnected && f.draw()));
  }
  const resize = new ResizeObserver(redraw);
  resize.observe(panel);
  on(matchMedia('(prefers-color-scheme: dark)'), 'change', redraw);
  const themeWatch = new MutationObserver(redraw);
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  redraw();

  /** Two calls: one metric of both on one chart, the figures side by side. */
  function comparison() {
    const box = el('div', { cls: 'rv-compare' });
    box.append(el('h3', { text: `Compare column 1 with column 2` }),
      el('p', { text: 'Not linked: the same metric of both calls on one chart, aligned as the time axes are (choose above), and their figures side by side.' }));
    const metrics = [...new Set(charts[0].map((c) => c.metric))].filter((m) => charts[1].some((c) => c.metric === m));
    const pick = (list) => el('select', {}, ...list.map((c) => el('option', { text: `${c.pcId} · ${c.group}`, attrs: { value: c.id } })));
    const metric = el('select', { attrs: { 'aria-label': 'Metric' } }, ...metrics.map((m) => el('option', { text: m, attrs: { value: m } })));
    const controls = el('p', { cls: 'rv-compare-controls' });
    const holder = el('div');
    const figuresBox = el('div');
    box.append(controls, holder, figuresBox);
    const build = () => {
      const m = metric.value;
      const [la, lb] = [charts[0], charts[1]].map((list) => list.filter((c) => c.metric === m));
      const sa = pick(la);
      const sb = pick(lb);
      sa.setAttribute('aria-label', 'Stream of column 1');
      sb.setAttribute('aria-label', 'Stream of column 2');
      // The same kind of stream on both sides, when there is one.
      const same = lb.find((c) => c.group === la[0]?.group) ?? lb[0];
      if (same) sb.value = same.id;
      controls.replaceChildren(el('label', { text: 'Metric ' }, metric), el('label', { text: ' column 1 ' }, sa), el('label', { text: ' column 2 ' }, sb));
      const show = () => {
        const a = la.find((c) => c.id === sa.value);
        const b = lb.find((c) => c.id === sb.value);
        figures.splice(0, figures.length, ...figures.filter((f) => !holder.contains(f.fig)));
        holder.replaceChildren(a && b ? pairFigure(0, a, 1, b, 'column 1', 'column 2') : el('p', { text: 'No such chart on one side.' }));
        figuresBox.replaceChildren(figureTable(a, b));
        redraw();
      };
      on(sa, 'change', show);
      on(sb, 'change', show);
      show();
    };
    on(metric, 'change', build);
    if (metrics.length) build();
    return box;
  }

  function figureTable(a, b) {
    const stream = (e, c) => summaries[e].peerConnections.find((p) => p.id === c?.pcId)?.rtp.find((r) => r.statsId === c?.statsId);
    const [ra, rb] = [stream(0, a), stream(1, b)];
    // The difference of the figures as shown (rounded first: 93 against
    // 100 reads −7, whatever the decimals behind them).
    const row = (label, a, b, digits = 1) => {
      const r = (v) => (v == null || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));
      return [label, fmt(a, digits), fmt(b, digits), r(a) == null || r(b) == null ? '–' : signed(r(b) - r(a), digits)];
    };
    const rows = FIGURES.map(([label, get]) => row(label, get(ra), get(rb)));
    rows.push(row('score (0–100)', summaries[0].score.overall, summaries[1].score.overall, 0));
    rows.push(row('findings', summaries[0].findings.length, summaries[1].findings.length, 0));
    return table(['', 'column 1', 'column 2', 'difference (2 − 1)'], rows, 'rv-figures');
  }

  return {
    uis,
    destroy() {
      life.abort();
      resize.disconnect();
      themeWatch.disconnect();
      cancelAnimationFrame(frame);
      uis.forEach((ui) => ui.destroy()); // each frees its viewer
      panel.remove();
      columns.remove();
      root.classList.remove('rv-calls');
    },
  };
}
