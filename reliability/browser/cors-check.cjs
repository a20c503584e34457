// Drives headless Chromium (Debian's, via playwright-core) through the chat page on an allowed and on a refused origin.
// usage: node cors-check.cjs <allowed page url> <refused page url>
// env: PLAYWRIGHT_CORE_DIR (a directory with node_modules/playwright-core), CHROMIUM (the browser binary)
// Prints one JSON object: {"allowed": <page result>, "refused": <page result>, "console": [...]}.
const path = require('path');
const { chromium } = require(path.join(process.env.PLAYWRIGHT_CORE_DIR, 'node_modules', 'playwright-core'));

(async () => {
  const [allowedUrl, refusedUrl] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const out = { console: [] };
  try {
    for (const [name, url] of [['allowed', allowedUrl], ['refused', refusedUrl]]) {
      const page = await browser.newPage();
      page.on('console', m => out.console.push(name + ': ' + m.text()));
      await page.goto(url);
      await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30000 });
      out[name] = await page.evaluate(() => window.__result);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch(e => {
  process.stdout.write(JSON.stringify({ fatal: String(e && e.stack || e) }) + '\n');
  process.exit(2);
});
