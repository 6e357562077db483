// Small DOM helpers for the viewer's modules. Text only: every string from
// a dump goes in with textContent, never as HTML.

/** An element with text, a class, attributes and children. */
export function el(tag, opts = {}, ...children) {
  const e = document.createElement(tag);
  if (opts.text != null) e.textContent = String(opts.text);
  if (opts.cls) e.className = opts.cls;
  if (opts.attrs) for (const [k, v] of Object.entries(opts.attrs)) e.setAttribute(k, v);
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** Adds the stylesheet at `href` (a URL) to the document once (no inline
 *  styles: CSP): mount.js's viewer.css, calls.js's calls.css. */
export function addStylesheet(href) {
  const url = String(href);
  if ([...document.querySelectorAll('link[rel=stylesheet]')].some((l) => l.href === url)) return;
  document.head.append(el('link', { attrs: { rel: 'stylesheet', href: url } }));
}

/** Saves `blob` as a download named `name`. */
export function download(blob, name) {
  const a = el('a', { attrs: { href: URL.createObjectURL(blob), download: name } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}

/** A CSV field: quoted when it needs it; a leading =, +, - or @ defused
 *  (spreadsheets run such text as a formula). */
export function csvField(x) {
  if (x == null) return '';
  let s = String(x);
  if (typeof x === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A text node; `–` for nothing. */
export const txt = (s) => document.createTextNode(s == null ? '–' : String(s));

/** A table of rows (cells are text or nodes). */
export function table(headers, rows, cls) {
  const t = el('table', { cls });
  const head = el('tr');
  for (const h of headers) head.append(el('th', { text: h, attrs: { scope: 'col' } }));
  t.append(el('thead', {}, head));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    for (const c of r) tr.append(c instanceof Node ? el('td', {}, c) : el('td', { text: c ?? '–' }));
    body.append(tr);
  }
  t.append(body);
  return t;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** `hh:mm:ss` (UTC), with `.mmm` when `withMs`; `–` for no time. */
export function clock(ms, withMs = false) {
  if (ms == null || !Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const s = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMs ? `${s}.${pad(d.getUTCMilliseconds(), 3)}` : s;
}

/** `yyyy-mm-dd hh:mm:ss.mmm UTC`; `–` for no time. */
export const when = (ms) => (ms == null ? '–' : new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC'));
