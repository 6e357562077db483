// rtcview: the viewer (mount) and the iframe host helper (embed).
// The <rtc-view> element registers itself from 'rtcview/element'.
export { mount, version } from './mount.js';
export { embed } from './rtcview-embed.js';
