// Screenshot of the built page for a look by eye:
//   node scripts/dev/screenshot.mjs <out.png> [deviceScaleFactor] [path?query] [css selector]
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';
const server = await serve('dist');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1300, height: 900 }, deviceScaleFactor: Number(process.argv[3] || 1) });
page.on('console', m => console.log('console', m.type(), m.text()));
page.on('pageerror', e => console.log('pageerror', e));
await page.goto(`http://127.0.0.1:${server.address().port}/${process.argv[4] || ''}`);
await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Opened') || document.getElementById('status').textContent.startsWith('Could'));
await page.waitForTimeout(500);
const sel = process.argv[5]; if (sel) { await page.locator(sel).first().scrollIntoViewIfNeeded(); await page.waitForTimeout(300); await page.locator(sel).first().screenshot({ path: process.argv[2] }); } else await page.screenshot({ path: process.argv[2] || '/tmp/page.png', fullPage: false });
await browser.close(); server.close();
