// Rebuilds the viewer from the import worker's transfer without long tasks:
// the buffer goes into wasm memory in slices and is decoded in ~20 ms steps,
// yielding to the browser between them (input and painting continue).
const SLICE = 8 * 1024 * 1024;
const BUDGET_MS = 20;

const yieldToBrowser = () => new Promise((resolve) => {
  const c = new MessageChannel();
  c.port1.onmessage = () => resolve();
  c.port2.postMessage(null);
});

/** @returns {Promise<import('./pkg/rtcview.js').Viewer>} */
export async function viewerFromTransfer(ViewerLoader, wire, isCancelled = () => false) {
  const bytes = new Uint8Array(wire);
  const loader = new ViewerLoader(bytes.length);
  try {
    for (let at = 0; at < bytes.length; at += SLICE) {
      loader.push(bytes.subarray(at, Math.min(at + SLICE, bytes.length)));
      await yieldToBrowser();
      if (isCancelled()) return null;
    }
    while (!loader.step(BUDGET_MS)) {
      await yieldToBrowser();
      if (isCancelled()) return null;
    }
  } catch (e) {
    loader.free();
    throw e;
  }
  return loader.finish();
}
