// Tar benchmark: the time from giving the page a 50,000-image tar to its index (and to the
// first thumbnail), and how the page's thread fares meanwhile (its longest task and the
// longest gap between animation frames), in headless Chromium. Prints figures; asserts nothing.
//   node e2e/bench_tar.mjs              (make bench-tar; builds its tars in target/bench/)
//   RUNS=5 node e2e/bench_tar.mjs       (runs per tar; 3 by default)
//   DIST=path node e2e/bench_tar.mjs    (another build of the page, e.g. an older one)
// Two tars of 50,000 members named as in ILSVRC2012_img_val.tar: one of small JPEGs (the 60
// test images repeated, so thumbnails show), and one with the real tar's layout, members of
// ImageNet-like sizes (6.4 GB in all) written sparse: only the headers take disk space.
import { open, readdir, readFile, stat, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveDist, launchBrowser } from './bench_setup.mjs';

const root = path.resolve(import.meta.dirname, '..');
const bench = path.join(root, 'target', 'bench');
const COUNT = 50_000;
const runs = Number(process.env.RUNS ?? 3);

/** A ustar header block for a regular file. */
function header(name, size) {
  const block = Buffer.alloc(512);
  block.write(name, 0, 'ascii');
  block.write('0000644\0', 100, 'ascii');
  block.write('0000000\0', 108, 'ascii');
  block.write('0000000\0', 116, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  block.write('14717464000\0', 136, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\x0000', 257, 'ascii');
  block.write('        ', 148, 'ascii');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

const name = (i) => `ILSVRC2012_val_${String(i).padStart(8, '0')}.JPEG`;
const padded = (n) => Math.ceil(n / 512) * 512;

/** Writes a tar of COUNT members whose data is `data(i)` (a Buffer), or a hole of `size(i)`. */
async function writeTar(file, { data, size }) {
  if (existsSync(file)) return;
  const out = await open(`${file}.part`, 'w');
  let at = 0;
  let pending = [];
  let pendingAt = 0;
  const flush = async () => {
    if (pending.length) await out.write(Buffer.concat(pending), 0, undefined, pendingAt);
    pending = [];
  };
  for (let i = 1; i <= COUNT; i++) {
    const body = data?.(i);
    const length = body ? body.length : size(i);
    if (body) {
      if (!pending.length) pendingAt = at;
      pending.push(header(name(i), length), body, Buffer.alloc(padded(length) - length));
      if (pending.length > 3000) await flush();
    } else {
      await flush();
      await out.write(header(name(i), length), 0, 512, at);
    }
    at += 512 + padded(length);
  }
  await flush();
  // The end: two zero blocks, then the file's length (holes read as zeros).
  await out.truncate(at + 1024);
  await out.close();
  const { rename } = await import('node:fs/promises');
  await rename(`${file}.part`, file);
}

await mkdir(bench, { recursive: true });
const imagesDir = path.join(root, 'target', 'e2e-images');
const jpegs = await Promise.all((await readdir(imagesDir)).filter((n) => n.endsWith('.JPEG')).sort().map((n) => readFile(path.join(imagesDir, n))));
const small = path.join(bench, 'val_50000_small.tar');
await writeTar(small, { data: (i) => jpegs[(i - 1) % jpegs.length] });
// ImageNet's validation images: 6.4 GB over 50,000, from a few KB to a few MB; a fixed
// pseudo-random spread around 128 KB.
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const layout = path.join(bench, 'val_50000_layout.tar');
await writeTar(layout, { size: () => Math.round(8_000 + 240_000 * random() ** 1.5 + 300_000 * random() ** 12) });

const { server, base } = await serveDist(process.env.DIST);
const browser = await launchBrowser();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const list = (xs) => xs.map((t) => t.toFixed(0)).join(', ');
for (const tar of [small, layout]) {
  const indexed = [];
  const thumb = [];
  const longest = [];
  const gaps = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${base}?page=cases`);
    await page.getByTestId('case-row').first().waitFor();
    await page.locator('.image-source summary').click();
    // The page starts its worker meanwhile, as it would while a person looks for the file.
    await page.waitForTimeout(1000);
    await page.evaluate(() => {
      window.__given = null;
      window.__longest = 0;
      window.__gap = 0;
      window.__thumb = null;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (window.__given !== null) window.__longest = Math.max(window.__longest, e.duration);
      }).observe({ type: 'longtask' });
      let last = null;
      const frame = (t) => {
        if (last !== null && window.__given !== null && window.__indexed == null) window.__gap = Math.max(window.__gap, t - last);
        last = t;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      document.querySelector('[data-testid=images-tar-input]').addEventListener('change', () => { window.__given = performance.now(); }, { once: true, capture: true });
      document.addEventListener('load', (e) => {
        if (e.target?.dataset?.testid === 'thumb' && window.__thumb === null) window.__thumb = performance.now();
      }, true);
    });
    await page.getByTestId('images-tar-input').setInputFiles(tar);
    await page.waitForFunction(() => {
      const done = /50,000 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? '');
      if (done && window.__indexed == null) window.__indexed = performance.now();
      return done || /could not/.test(document.querySelector('[data-testid=image-source-note]')?.textContent ?? '');
    }, null, { polling: 'raf', timeout: 300_000 });
    const r = await page.evaluate(() => ({ indexed: window.__indexed - window.__given, longest: window.__longest, gap: window.__gap }));
    if (Number.isNaN(r.indexed)) throw new Error(`${path.basename(tar)} was not indexed: ${await page.getByTestId('image-source-note').textContent()}`);
    indexed.push(r.indexed);
    longest.push(r.longest);
    gaps.push(r.gap);
    if (tar === small) {
      await page.waitForFunction(() => window.__thumb !== null, null, { timeout: 60_000 });
      thumb.push(await page.evaluate(() => window.__thumb - window.__given));
    }
    await page.close();
  }
  const { size } = await stat(tar);
  const first = thumb.length ? `; → first thumbnail ${median(thumb).toFixed(0)} ms (${list(thumb)})` : '';
  console.log(`${path.basename(tar)} (${COUNT.toLocaleString('en-US')} members, ${(size / 1e9).toFixed(2)} GB), median of ${runs}: tar given → indexed ${median(indexed).toFixed(0)} ms (${list(indexed)})${first}; page thread meanwhile: longest task ${median(longest).toFixed(0)} ms, longest frame gap ${median(gaps).toFixed(0)} ms (${list(gaps)})`);
}
await browser.close();
server.close();
