// Opens the generated client's page in headless Chromium (Debian's, via playwright-core) and prints window.__result.
// usage: node run-in-browser.cjs <page url>; env: PLAYWRIGHT_CORE_DIR, CHROMIUM
const path = require('path');
const { chromium } = require(path.join(process.env.PLAYWRIGHT_CORE_DIR, 'node_modules', 'playwright-core'));

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const console = [];
  try {
    const page = await browser.newPage();
    page.on('console', m => console.push(m.text()));
    page.on('pageerror', e => console.push('pageerror: ' + e));
    await page.goto(process.argv[2]);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60000 });
    const result = await page.evaluate(() => window.__result);
    process.stdout.write(JSON.stringify({ ...result, console }) + '\n');
  } finally {
    await browser.close();
  }
})().catch(e => {
  process.stdout.write(JSON.stringify({ ok: false, error: 'browser run failed: ' + String(e && e.stack || e) }) + '\n');
  process.exit(2);
});
