import type { Summary } from './rtcview-types.js';
/** `<rtc-view src="dump.txt">`: fires `statsready` (detail: the summary) and `error`. */
export class RtcView extends HTMLElement {
  load(source: string | URL | Blob | ArrayBuffer | ArrayBufferView, name?: string): Promise<Summary | null> | undefined;
}
declare global {
  interface HTMLElementTagNameMap { 'rtc-view': RtcView }
}
