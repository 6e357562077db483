// Times Node's (V8's) JSON.parse on the same bytes the Rust bench imported,
// and prints the comparison table (markdown) for docs/performance.md.
//   rtcstats: JSON.parse of every line (what a JS importer must do at least);
//   internals: JSON.parse of the document, and of the document plus every
//   `values` string inside it (the work any importer of that format does).
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync('target/bench-import.json', 'utf8'));
const best = (fn) => {
  let ms = Infinity;
  const start = performance.now();
  for (let i = 0; i < 20 && (i < 3 || performance.now() - start < 2000); i++) {
    const t = performance.now();
    fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
};

console.log('| file | MB | rtcview import ms | MB/s | JSON.parse ms | rtcview / JSON.parse |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  const text = readFileSync(`bench-data/${r.file}`, 'utf8');
  let parseMs;
  let label = '';
  if (text.startsWith('RTCStatsDump')) {
    const lines = text.split('\n');
    parseMs = best(() => { for (let i = 2; i < lines.length; i++) if (lines[i]) JSON.parse(lines[i]); });
  } else {
    const doc = best(() => JSON.parse(text));
    parseMs = best(() => {
      const d = JSON.parse(text);
      for (const pc of Object.values(d.PeerConnections)) for (const s of Object.values(pc.stats)) if (s.values) JSON.parse(s.values);
    });
    label = ` (document only: ${doc.toFixed(0)})`;
  }
  const mb = r.bytes / 1e6;
  console.log(`| ${r.file} | ${mb.toFixed(1)} | ${r.bestMs.toFixed(0)} | ${(mb / (r.bestMs / 1000)).toFixed(0)} | ${parseMs.toFixed(0)}${label} | ${(r.bestMs / parseMs).toFixed(2)}x |`);
}
