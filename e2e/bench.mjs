// Page benchmark: what the built page (dist/) downloads, and the time from giving it a file to
// the figures on screen, in headless Chromium. Prints sizes and medians; asserts nothing.
//   node e2e/bench.mjs FILE...        (make bench-page uses a top-1 .npy and the 200 MB logits)
//   RUNS=7 node e2e/bench.mjs FILE    (runs per file; 5 by default)
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dist, evidence, serveDist, launchBrowser } from './bench_setup.mjs';

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
const { server, base } = await serveDist();
const browser = await launchBrowser();
const runs = Number(process.env.RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const list = (xs) => xs.map((t) => t.toFixed(0)).join(', ');
for (const file of process.argv.slice(2)) {
  const seen = [];
  const painted = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByTestId('dataset-facts').waitFor();
    // A person takes a moment before dropping a file; the page starts its worker meanwhile
    // (the worker decodes its copy of the data and rehearses once on a made-up file).
    await page.waitForTimeout(1000);
    // Times from the input's change event: when the test driver sees the figures, and, inside
    // the page, when the first frame with them is painted (the driver's round trip adds a few
    // milliseconds on top).
    await page.evaluate(() => {
      window.__given = null;
      window.__painted = null;
      document.querySelector('[data-testid=predictions-input]').addEventListener('change', () => { window.__given = performance.now(); }, { once: true, capture: true });
      const observer = new MutationObserver(() => {
        if (!document.querySelector('[data-testid=real-top1]')) return;
        observer.disconnect();
        // rAF runs just before the frame's paint; a task queued there runs after it.
        requestAnimationFrame(() => setTimeout(() => { window.__painted = performance.now(); }));
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    await page.getByTestId('predictions-input').setInputFiles(file);
    // Checked every frame: a locator's wait polls ever less often and would round long loads
    // up by hundreds of milliseconds.
    await page.waitForFunction(() => document.querySelector('[data-testid=real-top1]'), null, { polling: 'raf', timeout: 120_000 });
    seen.push(await page.evaluate(() => performance.now() - window.__given));
    await page.waitForFunction(() => window.__painted !== null);
    painted.push(await page.evaluate(() => window.__painted - window.__given));
    await page.close();
  }
  const size = (await stat(file)).size;
  console.log(`${path.basename(file)} (${(size / 1e6).toFixed(1)} MB), median of ${runs}: file given → figures shown ${median(seen).toFixed(0)} ms (${list(seen)}); → first frame with them painted ${median(painted).toFixed(0)} ms (${list(painted)})`);
}

// The raters' files from a local server (the page's own origin) to evidence ready: the
// download, the worker inflating and counting both files, the evidence built on the page.
if (existsSync(path.join(evidence, 'raters.npz'))) {
  const ready = [];
  const grew = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    await page.goto(`${base}?evidence=${encodeURIComponent(`${base}evidence/`)}`);
    await page.getByTestId('evidence-load').waitFor();
    await page.waitForTimeout(1000);
    const started = await page.evaluate(() => { document.querySelector('[data-testid=evidence-load]').click(); return performance.now(); });
    await page.waitForFunction(() => document.querySelector('[data-testid=evidence-state]')?.textContent.includes('Votes: published'), null, { polling: 'raf', timeout: 120_000 });
    ready.push(await page.evaluate((t) => performance.now() - t, started));
    grew.push(Number(await page.getByTestId('evidence-state').getAttribute('data-worker-memory')));
    await page.close();
  }
  console.log(`scores.npz + raters.npz (4.4 MB) from a local server → evidence ready, median of ${runs}: ${median(ready).toFixed(0)} ms (${list(ready)}); the worker's memory grew at most ${(Math.max(...grew) / 1e6).toFixed(1)} MB to read them`);
} else {
  console.log('rater files: skipped (../shared/data/reassessed-imagenet is absent)');
}
await browser.close();
server.close();
