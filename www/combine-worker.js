// Several dumps opened together (calls.js, issue 15): each is read as a
// stream into the sharing tools' module (src/app/tools.rs `CombineSet`),
// which merges the dumps of one browser and links the two ends of a call;
// then each browser's session is sent back in transfer parts that the
// page's ViewerLoader decodes (the format is the same crate's), with the
// flow control of worker.js. A new open terminates this worker.
import init, { CombineSet } from './tools/tools.js';
import { fetchDump, partsInFlight } from './loader.js';

const ready = init();
/** The page says, one by one, which parts it took (as worker.js). */
const parts = partsInFlight();

onmessage = ({ data }) => {
  if (data?.taken) parts.took(data.taken);
  else run(data.jobs, data.apart);
};

/** A job's bytes as a stream and its size: a File, a URL (with the bearer
 *  token when the embedded viewer's Rust gave one: only for a data origin)
 *  or bytes. */
async function source(job) {
  if (job.file) return { stream: job.file.stream(), total: job.file.size };
  if (job.url) {
    const res = await fetchDump(job.url, job.label, job.token);
    return { stream: res.body, total: Number(res.headers.get('content-length')) || 0 };
  }
  return { stream: new Blob([job.bytes]).stream(), total: job.bytes.byteLength };
}

async function run(jobs, apart) {
  let set = null;
  try {
    await ready;
    set = new CombineSet();
    // The embedded viewer admits each dump under its login: never merged.
    if (apart) set.keepApart();
    for (const [file, job] of jobs.entries()) {
      const { stream, total } = await source(job);
      set.begin(job.name, total);
      const reader = stream.getReader();
      let done = 0;
      let last = 0;
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        done += value.length;
        set.push(value);
        const now = performance.now();
        if (now - last > 50) { postMessage({ progress: done, total, file, files: jobs.length }); last = now; }
      }
      set.end();
    }
    postMessage({ importing: true });
    const summary = set.combine();
    const ends = set.ends();
    for (let end = 0; end < ends; end++) {
      for (let part = set.nextPart(end); part !== undefined; part = set.nextPart(end)) {
        postMessage({ wirePart: part.buffer, end }, [part.buffer]);
        await parts.sent();
      }
      postMessage({ endDone: end, summary: set.endSummary(end), sources: [...set.endSources(end)] });
    }
    postMessage({ wireEnd: true, summary, ends });
  } catch (e) {
    postMessage({ error: { name: e?.name || 'error', message: e?.message || String(e) } });
  } finally {
    try { set?.free(); } catch { /* after a trap: the error above is the one to report */ }
  }
}
