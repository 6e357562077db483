// Records the bundled sample session: a real 30 s loopback call in headless
// Chromium (fake media devices), written as rtcstats fileFormat 3, gzipped.
// Usage: node scripts/record-sample.mjs [out=www/sample/session.rtcstats.gz] [ms=30000]
// Private addresses are replaced by documentation addresses (192.0.2.0/24).
import { chromium } from 'playwright-core';
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { serve } from './serve.mjs';

const [out = 'www/sample/session.rtcstats.gz', ms = '30000'] = process.argv.slice(2);
const server = await serve(new URL('./recorder/', import.meta.url).pathname);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync', '--disable-dev-shm-usage', '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream', '--disable-features=WebRtcHideLocalIpsWithMdns'],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${server.address().port}/index.html?ms=${ms}`);
  await page.waitForFunction(() => window.dumpText || window.dumpError, null, { timeout: Number(ms) + 60000 });
  const error = await page.evaluate(() => window.dumpError);
  if (error) throw new Error(error);
  let text = await page.evaluate(() => window.dumpText);
  const seen = new Map();
  // Not inside version strings (Chrome/156.0.7000.1): no '/', '.' or digit around.
  text = text.replace(/(?<![\d./])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g, (ip) => {
    if (ip === '127.0.0.1' || ip === '0.0.0.0' || ip.startsWith('192.0.2.')) return ip;
    if (!seen.has(ip)) seen.set(ip, `192.0.2.${seen.size + 10}`);
    return seen.get(ip);
  });
  const gz = gzipSync(Buffer.from(text), { level: 9 });
  await writeFile(out, gz);
  console.log(`recorded ${text.split('\n').length} lines, ${text.length} bytes (${gz.length} gzipped) -> ${out}`);
} finally {
  await browser.close();
  server.close();
}
