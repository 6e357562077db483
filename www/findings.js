// The Findings panel: the verdict first. The score with its ledger (every
// lost point and the finding it went to), then the findings by severity,
// grouped per peer connection, then what was checked. Built from the
// summary the import worker computed (`summary.findings`, `summary.score`,
// `summary.checks`); every string goes in as text. Each finding is a
// button: opening it calls `onOpen(finding)` (the viewer zooms to its
// ranges, shades them and shows its charts) and shows its evidence.

import { el, clock, table } from './dom.js';

/** @typedef {import('./rtcview-types').Finding} Finding */
/** @typedef {import('./rtcview-types').Summary} Summary */

const SEVERITIES = ['critical', 'major', 'minor', 'info'];
const span = (f) => (f.ranges.length ? `${clock(f.ranges[0].startMs)}–${clock(f.ranges[f.ranges.length - 1].endMs)}` : '');
const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : String(Math.round(v * 100) / 100)) : String(v));

/** Where a finding is: "Peer connection 8-1 · inbound video 1234". @param {Finding} f */
export function findingPlace(f) {
  const parts = [];
  if (f.peerConnection) parts.push(`Peer connection ${f.peerConnection}`);
  if (f.stream) parts.push(`${f.stream.direction} ${f.stream.kind ?? 'media'}${f.stream.ssrc != null ? ` ${f.stream.ssrc}` : ''}`);
  return parts.join(' · ') || 'the session';
}

/** @param {Finding} f */
function evidenceTable(f) {
  return table(['Stats object', 'Property', 'Value', 'Threshold'], f.evidence.map((e) => {
    const unit = e.unit ? ` ${e.unit}` : '';
    return [e.statsId, e.property, `${fmt(e.value)}${typeof e.value === 'number' ? unit : ''}`, e.threshold == null ? null : `${fmt(e.threshold)}${unit}`];
  }), 'evidence');
}

/**
 * Builds the panel. `summary`: the rtcview-summary document; `explanation`:
 * the score formula in words (from Rust); `onOpen(finding)`: a finding (or
 * a ledger line's finding) was opened; `on(target, type, fn)`: the viewer's
 * listener registration, so its destroy() removes these too.
 * @param {Summary} summary
 */
export function findingsPanel(summary, { explanation, onOpen, on }) {
  const findings = summary.findings ?? [];
  const byId = new Map(findings.map((f) => [f.id, f]));
  const sec = el('section', { cls: 'findings', attrs: { 'aria-label': 'Findings' } }, el('h2', { text: 'Findings' }));

  // The score.
  const s = summary.score;
  if (s && s.overall != null) {
    const cat = (name, v) => (v == null ? null : el('span', { cls: 'cat', text: `${name} ${v.toFixed(1)}/5` }));
    sec.append(el('p', { cls: 'score' },
      el('span', { cls: `score-num ${s.overall >= 90 ? 'good' : s.overall >= 70 ? 'fair' : 'poor'}`, text: s.overall.toFixed(0) }),
      el('span', { cls: 'score-of', text: '/100' }),
      cat('audio', s.audio), cat('video', s.video), cat('connectivity', s.connectivity)));
    const how = el('details', { cls: 'ledger' }, el('summary', { text: `Where the ${(100 - s.overall).toFixed(1)} points went` }));
    how.append(el('p', { cls: 'muted', text: explanation }));
    const list = el('ul');
    for (const l of s.ledger.filter((l) => Math.abs(l.points) >= 0.05)) {
      const f = l.finding ? byId.get(l.finding) : null;
      const what = f ? `${f.kind} (${f.id}, ${findingPlace(f)})` : `no finding explains it (${l.part})`;
      const item = el('li', {}, el('span', { cls: 'points', text: l.points.toFixed(1) }), document.createTextNode(` ${what} · ${clock(l.startMs)}–${clock(l.endMs)} UTC`));
      if (f) {
        const go = el('button', { cls: 'link', text: 'show', attrs: { type: 'button', 'aria-label': `Show ${f.kind} ${f.id}` } });
        on(go, 'click', () => open(f));
        item.append(document.createTextNode(' '), go);
      }
      list.append(item);
    }
    if (!list.childElementCount) list.append(el('li', { text: 'No points lost.' }));
    how.append(list);
    sec.append(how);
  }

  // The verdict in one line.
  const problems = findings.filter((f) => f.severity !== 'info');
  const counts = SEVERITIES.slice(0, 3).map((sv) => [sv, problems.filter((f) => f.severity === sv).length]).filter(([, n]) => n);
  const checked = (summary.checks ?? []).filter((c) => c.checked).length;
  sec.append(el('p', { cls: 'verdict', text: problems.length
    ? `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${counts.map(([sv, n]) => `${n} ${sv}`).join(', ')}.`
    : `No problem found: ${checked} rules checked this dump (listed below).` }));

  // Findings per group: the session first, then each peer connection in
  // the summary's order; within a group by severity (the summary's order).
  const cards = new Map();
  const groups = [[null, 'The session'], ...(summary.peerConnections ?? []).map((pc) => [pc.id, `Peer connection ${pc.id}`])];
  const info = el('details', { cls: 'info-findings' }, el('summary', { text: 'Also noted (information, not problems)' }));
  let infoCount = 0;
  for (const [pcId, title] of groups) {
    const mine = findings.filter((f) => (f.peerConnection ?? null) === pcId);
    const list = el('ul', { cls: 'finding-list' });
    const infoList = el('ul', { cls: 'finding-list' });
    for (const f of mine) {
      const card = findingCard(f, byId, open, on);
      cards.set(f.id, card);
      (f.severity === 'info' ? infoList : list).append(card);
    }
    if (list.childElementCount) sec.append(el('h3', { text: title }), list);
    if (infoList.childElementCount) { infoCount += infoList.childElementCount; info.append(el('h3', { text: title }), infoList); }
  }
  if (infoCount) sec.append(info);

  // What was checked.
  const checks = summary.checks ?? [];
  const unchecked = checks.filter((c) => !c.checked);
  const what = el('details', { cls: 'checks' }, el('summary', { text: `What was checked: ${checks.length - unchecked.length} of ${checks.length} rules${unchecked.length ? `; ${unchecked.length} could not run on this dump` : ''} (${summary.ruleset ?? ''})` }));
  const tbl = el('table');
  const body = el('tbody');
  for (const c of checks) body.append(el('tr', { cls: c.checked ? '' : 'unchecked' }, el('td', { text: c.kind }), el('td', { text: c.note })));
  tbl.append(body);
  what.append(tbl);
  sec.append(what);

  // One finding open at a time: its card expanded, every other collapsed.
  function open(f) {
    for (const [id, card] of cards) setOpen(card, id === f.id);
    if (f.severity === 'info') info.open = true;
    onOpen(f);
  }
  return { element: sec, open: (id) => { const f = byId.get(id); if (f) open(f); } };
}

function setOpen(card, yes) {
  card.classList.toggle('open', yes);
  card.querySelector('.finding-body').hidden = !yes;
  card.querySelector('button.finding-head').setAttribute('aria-expanded', String(yes));
}

function findingCard(f, byId, open, on) {
  const head = el('button', { cls: 'finding-head', attrs: { type: 'button', 'aria-expanded': 'false' } },
    el('span', { cls: `sev sev-${f.severity}`, text: f.severity }), el('span', { cls: 'kind', text: f.kind }),
    el('span', { cls: 'when', text: span(f) }), el('span', { cls: 'message', text: f.message }));
  const body = el('div', { cls: 'finding-body' });
  body.hidden = true;
  body.append(el('p', { cls: 'muted', text: `${findingPlace(f)} · rule ${f.rule} · ${f.ranges.length} range${f.ranges.length === 1 ? '' : 's'}: ${f.ranges.map((r) => `${clock(r.startMs)}–${clock(r.endMs)}`).join(', ')} UTC` }));
  if (f.evidence.length) body.append(evidenceTable(f));
  const cause = f.cause ? byId.get(f.cause) : null;
  if (cause) {
    const go = el('button', { cls: 'link', text: `${cause.kind} (${cause.id})`, attrs: { type: 'button' } });
    on(go, 'click', () => open(cause));
    body.append(el('p', {}, document.createTextNode('Caused by: '), go, document.createTextNode(` — ${cause.message}`)));
  }
  const li = el('li', { cls: `finding sev-${f.severity}` }, head, body);
  on(head, 'click', () => (body.hidden ? open(f) : setOpen(li, false)));
  li.dataset.findingId = f.id;
  return li;
}
