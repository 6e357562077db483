// <rtc-view src="dump.txt"></rtc-view>: the viewer as a custom element.
import { mount } from './mount.js';

export class RtcView extends HTMLElement {
  static observedAttributes = ['src'];

  connectedCallback() {
    this.viewer = mount(this);
    this.viewer.on('statsReady', (e) => this.dispatchEvent(new CustomEvent('statsready', { detail: e.detail })));
    this.viewer.on('error', (e) => this.dispatchEvent(new CustomEvent('error', { detail: e.detail })));
    if (this.getAttribute('src')) this.viewer.load(this.getAttribute('src'));
  }

  attributeChangedCallback(name, old, value) {
    if (name === 'src' && this.viewer && value && value !== old) this.viewer.load(value);
  }

  disconnectedCallback() {
    this.viewer?.destroy();
    this.viewer = null;
  }

  /** Loads a URL, File or ArrayBuffer. */
  load(source, name) { return this.viewer?.load(source, name); }
}

if (!customElements.get('rtc-view')) customElements.define('rtc-view', RtcView);
