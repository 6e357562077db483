// The example host page: the viewer URL and session URL may come from the
// query (?viewer=…&session=…); the token only from the form, never the URL.
// A viewer from the query must be on this page's own origin: this page is
// served beside the viewer, and a link must not be able to point it at
// another "viewer" that would receive the token typed in. Another origin
// can still be typed into the form, deliberately.
import { embed } from './rtcview-embed.js';

const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
const ownViewer = new URL('index.html', location.href).href;
const asked = q.get('viewer');
let fromQuery = null;
try { fromQuery = asked && new URL(asked, location.href); } catch { fromQuery = null; }
$('viewer').value = fromQuery && fromQuery.origin === location.origin ? fromQuery.href : ownViewer;
if (asked && $('viewer').value !== fromQuery?.href) {
  $('events').textContent = `ignored ?viewer=: only a viewer on ${location.origin} can be given in the link\n`;
}
$('session').value = q.get('session') ?? '';
const log = (line) => { $('events').textContent += `${new Date().toISOString().slice(11, 23)} ${line}\n`; };
let current = null;

$('form').addEventListener('submit', (e) => {
  e.preventDefault();
  current?.destroy();
  const frame = $('frame');
  frame.hidden = false;
  frame.src = $('viewer').value;
  current = embed(frame, { token: $('token').value.trim(), sessionUrl: $('session').value.trim() || undefined });
  current.summary.then(
    (s) => log(`statsReady.v1 ${s.peerConnections.length} peer connection(s), ${s.source.format} (${s.source.dialect})`),
    (err) => log(`error.v1 ${err.code}: ${err.message}`),
  );
  for (const type of ['ready', 'resize', 'pong']) frame.addEventListener(`rtcview:${type}`, (ev) => log(`${type}${ev.detail ? ` ${JSON.stringify(ev.detail)}` : ''}`));
});
$('logout').addEventListener('click', () => { current?.logout(); log('logout.v1 sent'); });
$('ping').addEventListener('click', () => { current?.ping(); log('PING sent'); });
