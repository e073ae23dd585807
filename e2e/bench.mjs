// Page benchmark: what the built page (dist/) downloads, and the time from giving it a file to
// the figures on screen, in headless Chromium. Prints sizes and medians; asserts nothing.
//   node e2e/bench.mjs FILE...        (make bench-page uses a top-1 .npy and the 200 MB logits)
//   RUNS=7 node e2e/bench.mjs FILE    (runs per file; 5 by default)
import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const dist = path.resolve(import.meta.dirname, '..', 'dist');
// The download: every wasm module (the page's worker runs the same one) and the data file.
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
let wasmGzip = 0;
for (const name of (await readdir(dist)).filter((n) => n.endsWith('.wasm') || n === 'imagenet-val.bin').sort()) {
  const file = path.join(dist, name);
  const bytes = await readFile(file);
  const gzip = execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 1 << 30 }).length;
  if (name.endsWith('.wasm')) wasmGzip += gzip;
  console.log(`${name}: ${kb(bytes.length)}, ${kb(gzip)} gzipped`);
}
console.log(`all .wasm together: ${kb(wasmGzip)} gzipped (gzip -9; budget 400 KB)`);
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
const runs = Number(process.env.RUNS ?? 5);
for (const file of process.argv.slice(2)) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByTestId('dataset-facts').waitFor();
    // A person takes a moment before dropping a file; the page starts its worker meanwhile
    // (the worker decodes its copy of the data and rehearses once on a made-up file).
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
