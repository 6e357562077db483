// Times loading a big synthetic dump in the built page (dev aid):
//   node scripts/dev/big-load.mjs [polls=20000]
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';
const polls = Number(process.argv[2] || 20000);
const lines = ['RTCStatsDump', '{"fileFormat":3}'];
for (let k = 0; k < polls; k++) {
  const t = 1700000000000 + 1000 * (k + 1);
  const report = {};
  for (let s = 0; s < 8; s++) report[`OT01V${s}`] = { id: `OT01V${s}`, type: 'outbound-rtp', kind: 'video', ssrc: 1000 + s, timestamp: t, bytesSent: k * 125000, packetsSent: k * 100, framesEncoded: k * 30, framesPerSecond: 30, frameWidth: 1280, frameHeight: 720, qualityLimitationReason: 'none' };
  lines.push(JSON.stringify(['getStats', '1-1', report, 1000]));
}
const big = Buffer.from(lines.join('\n'));
const server = await serve('dist');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Opened'));
await page.evaluate(() => { window.__t = {}; new MutationObserver(() => { const s = document.getElementById('status').textContent; for (const k of ['Reading', 'Importing', 'Opened']) if (s.startsWith(k) && !window.__t[k]) window.__t[k] = performance.now(); }).observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true }); });
const t0 = await page.evaluate(() => performance.now());
await page.setInputFiles('#file', { name: 'big.rtcstats', mimeType: 'application/octet-stream', buffer: big });
await page.waitForFunction(() => document.getElementById('status').textContent === 'Opened big.rtcstats.', null, { timeout: 120000 });
const t = await page.evaluate(() => window.__t);
console.log(`${(big.length / 1e6).toFixed(1)} MB: reading ${(t.Importing - t0).toFixed(0)} ms, importing+transfer+render ${(t.Opened - t.Importing).toFixed(0)} ms`);
await browser.close(); server.close();
