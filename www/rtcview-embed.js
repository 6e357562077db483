// Host-side helper for embedding rtcview in an <iframe> (docs/embedding.md).
//
//   import { embed } from './rtcview-embed.js';
//   const viewer = embed(document.querySelector('iframe'), { token, sessionUrl });
//   viewer.summary.then((s) => …).catch((e) => console.warn(e.code));
//
// It answers the viewer's ready.v1 with login.v1 (once), optionally sends
// load.v1, sizes the iframe on resize.v1, and resolves with the
// statsReady.v1 summary. Messages are accepted only from that iframe's window
// at the viewer's origin, and sent only to that origin.

/**
 * @param {HTMLIFrameElement} iframe
 * @param {{token: string, sessionUrl?: string, buffer?: ArrayBuffer, name?: string, viewerOrigin?: string, autoResize?: boolean}} options
 */
export function embed(iframe, options) {
  const viewerOrigin = options.viewerOrigin ?? new URL(iframe.src, location.href).origin;
  const autoResize = options.autoResize ?? true;
  const send = (message, transfer) => {
    if (transfer) iframe.contentWindow?.postMessage(message, viewerOrigin, transfer);
    else iframe.contentWindow?.postMessage(JSON.stringify(message), viewerOrigin);
  };
  const emit = (type, detail) => iframe.dispatchEvent(new CustomEvent(`rtcview:${type}`, { detail }));
  let loggedIn = false;
  let settle;
  const summary = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  const onMessage = (e) => {
    if (e.source !== iframe.contentWindow || e.origin !== viewerOrigin) return;
    let m = e.data;
    if (typeof m === 'string') {
      if (m === 'PONG') { emit('pong', null); return; }
      try { m = JSON.parse(m); } catch { return; }
    }
    switch (m?.msg) {
      case 'ready.v1':
        if (loggedIn) return; // login once: a token's jti is accepted once
        loggedIn = true;
        send({ msg: 'login.v1', data: options.token });
        if (options.buffer) send({ msg: 'load.v1', data: { name: options.name ?? 'session', buffer: options.buffer } }, [options.buffer]);
        else if (options.sessionUrl) send({ msg: 'load.v1', data: Array.isArray(options.sessionUrl) ? { urls: options.sessionUrl } : { url: options.sessionUrl } });
        emit('ready', null);
        break;
      case 'statsReady.v1':
        emit('statsReady', m.data);
        settle.resolve(m.data);
        break;
      case 'error.v1': {
        emit('error', m.data);
        const err = new Error(m.data?.message ?? 'rtcview error');
        err.code = m.data?.code;
        settle.reject(err);
        break;
      }
      case 'resize.v1':
        if (autoResize && Number.isFinite(m.data?.height)) iframe.style.height = `${Math.ceil(m.data.height)}px`;
        emit('resize', m.data);
        break;
      default: break;
    }
  };
  addEventListener('message', onMessage);
  return {
    summary,
    select: (peerConnection, stream) => send({ msg: 'select.v1', data: { peerConnection, stream } }),
    zoom: (t0Ms, t1Ms) => send({ msg: 'zoom.v1', data: { t0Ms, t1Ms } }),
    load: (url) => send({ msg: 'load.v1', data: Array.isArray(url) ? { urls: url } : { url } }),
    logout: () => send({ msg: 'logout.v1' }),
    ping: () => iframe.contentWindow?.postMessage('PING', viewerOrigin),
    destroy: () => removeEventListener('message', onMessage),
  };
}
