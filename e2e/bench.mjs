// Page benchmark: time from giving the built page (dist/) a file to the figures on screen, in
// headless Chromium. Prints medians; asserts nothing.
//   node e2e/bench.mjs FILE...        (make bench-page uses a top-1 .npy and the 200 MB logits)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const file = url.pathname === '/' ? path.join(dist, 'index.html') : path.join(dist, decodeURIComponent(url.pathname));
  try {
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'text/html' }).end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const runs = Number(process.env.RUNS ?? 3);
for (const file of process.argv.slice(2)) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByTestId('dataset-facts').waitFor();
    // A person takes a moment before dropping a file; the page warms its worker meanwhile.
    await page.waitForTimeout(1000);
    const input = page.getByTestId('predictions-input');
    // Hand the file over first, then time from the change event to the figures.
    const started = await page.evaluate(() => {
      window.__given = null;
      document.querySelector('[data-testid=predictions-input]').addEventListener('change', () => { window.__given = performance.now(); }, { once: true, capture: true });
      return true;
    });
    void started;
    await input.setInputFiles(file);
    await page.getByTestId('real-top1').waitFor({ timeout: 120_000 });
    const elapsed = await page.evaluate(() => performance.now() - window.__given);
    times.push(elapsed);
    await page.close();
  }
  times.sort((a, b) => a - b);
  const size = (await stat(file)).size;
  console.log(`${path.basename(file)} (${(size / 1e6).toFixed(1)} MB): file given → figures shown, median of ${runs}: ${times[Math.floor(runs / 2)].toFixed(0)} ms`);
}
await browser.close();
server.close();
