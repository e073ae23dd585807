// End-to-end: exporting the filtered cases (CSV, JSON, a contact sheet PNG) and the per-class
// table, caught as downloads and read back with code that shares nothing with the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, writeFile, open } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { setUp, ctx, count, openPage, give, shot, root, golden, artifacts, publishedEvidence } from './harness.mjs';

setUp();

const LOGITS = 'logits_f32.npy';

/** Clicks a control and returns the download it starts: its file name and bytes. */
async function download(page, testId, how = 'click') {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    how === 'click' ? page.getByTestId(testId).click() : page.keyboard.press(how),
  ]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { /* the \n ends it */ }
    else if (c === '\n') { record.push(field); records.push(record); record = []; field = ''; }
    else field += c;
  }
  assert.equal(field + record.join(''), '', 'the file ends with a line break');
  return records;
}

/** A PNG's size and RGB pixels: chunks checked for order, IDAT inflated, rows unfiltered. */
function decodePng(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let offset = 8;
  let ihdr = null;
  const idat = [];
  for (;;) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length;
    if (type === 'IHDR') ihdr = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], color: data[9] };
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') break;
  }
  assert.ok(ihdr, 'an IHDR chunk');
  assert.equal(ihdr.depth, 8);
  assert.equal(ihdr.color, 2, 'RGB');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = ihdr.width * 3;
  const pixels = Buffer.alloc(stride * ihdr.height);
  for (let y = 0; y < ihdr.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 3 ? pixels[y * stride + x - 3] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= 3 && y > 0 ? pixels[(y - 1) * stride + x - 3] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      assert.notEqual(predictor, undefined, `filter type ${filter}`);
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  return { ...ihdr, pixel: (x, y) => [...pixels.subarray((y * ihdr.width + x) * 3, (y * ihdr.width + x) * 3 + 3)], pixels };
}

/** The colour examples/make_images.rs paints stand-in image `id` with. */
function standInColour(id) {
  const h = (id * 47) % 360, s = 0.55, v = 0.9;
  const c = v * s, x = c * (1 - Math.abs(((h / 60) % 2) - 1)), m = v - c;
  const [r, g, b] = [[c, x, 0], [x, c, 0], [0, c, x], [0, x, c], [x, 0, c], [c, 0, x]][Math.floor(h / 60)];
  return [r, g, b].map((f) => Math.round((f + m) * 255));
}

/** The model's top-1 for an image, read from the .npy itself (row = image - 1: file-name order). */
async function top1(file, image) {
  const handle = await open(path.join(golden, file));
  const header = Buffer.alloc(128);
  await handle.read(header, 0, 128, 0);
  const start = 10 + header.readUInt16LE(8);
  const row = Buffer.alloc(4000);
  await handle.read(row, 0, 4000, start + (image - 1) * 4000);
  await handle.close();
  let best = 0;
  for (let i = 1; i < 1000; i++) if (row.readFloatLE(4 * i) > row.readFloatLE(4 * best)) best = i;
  return best;
}

async function realJson() {
  for (const p of [path.join(publishedEvidence, 'real.json'), path.join(root, 'target', 'published', 'real.json')]) {
    try { return JSON.parse(await readFile(p, 'utf8')); } catch { /* next */ }
  }
  throw new Error('no real.json: run tools/setup.sh test');
}

test('the filtered cases download as CSV and JSON that hold what the page shows', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await give(page, LOGITS);
  const want = ctx.expected[LOGITS];
  await page.locator('a.split-link.real-only').click();
  await page.getByTestId('case-list').waitFor();
  const shown = await page.getByTestId('case-count').textContent();
  assert.equal(shown, count(want.split.real_only));
  const first = Number(await page.getByTestId('case-row').first().getAttribute('data-image'));
  await shot(page, 'cases-export.png');

  const csv = await download(page, 'export-csv');
  assert.equal(csv.name, 'real-explorer-cases-logits_f32-npy-outcome-real-only.csv');
  const records = parseCsv(csv.bytes.toString('utf8'));
  assert.match(records[0][0], /^# ReaL Explorer cases; model logits_f32\.npy .*view \?page=cases&outcome=real-only/);
  assert.deepEqual(records[1], ['image', 'file', 'original_index', 'original_wnid', 'original_name', 'real_indices', 'real_names',
    'top1_index', 'top1_name', 'top1_score', 'top5_indices', 'real_top1', 'original_top1', 'outcome']);
  const rows = records.slice(2);
  assert.equal(count(rows.length), shown, 'one row per case the page counts');
  assert.ok(rows.every((r) => r.length === 14 && r[13] === 'real-only' && r[11] === 'correct' && r[12] === 'wrong'));
  // The first row is the list's first case, with the labels of real.json and the file's top-1.
  const row = rows[0];
  assert.equal(Number(row[0]), first);
  assert.equal(row[1], `ILSVRC2012_val_${String(first).padStart(8, '0')}.JPEG`);
  const real = (await realJson())[first - 1];
  assert.equal(row[5], [...real].sort((a, b) => a - b).join(';'));
  assert.equal(Number(row[7]), await top1(LOGITS, first));
  assert.ok(real.includes(Number(row[7])), 'a ReaL-only top-1 is in the ReaL set');
  assert.notEqual(row[2], row[7], 'and is not the original label');
  assert.equal(row[10].split(';')[0], row[7]);

  const json = await download(page, 'export-json');
  assert.equal(json.name, 'real-explorer-cases-logits_f32-npy-outcome-real-only.json');
  const doc = JSON.parse(json.bytes.toString('utf8'));
  assert.equal(count(doc.count), shown);
  assert.equal(doc.rows.length, doc.count);
  assert.equal(doc.model.name, LOGITS);
  assert.equal(doc.threshold, 0.8);
  assert.deepEqual(doc.label_sets.map((s) => s.key), ['real', 'original']);
  assert.match(doc.view, /outcome=real-only/);
  assert.equal(doc.rows[0].image, first);
  assert.equal(doc.rows[0].top1.index, Number(row[7]));
  assert.equal(doc.rows[0].original.name, row[4]);

  // Enter on a focused export button downloads; it does not open the selected case.
  await page.getByTestId('export-json').focus();
  const again = await download(page, 'export-json', 'Enter');
  assert.equal(again.name, json.name);
  assert.equal(await page.getByTestId('image-page').count(), 0);
  assert.deepEqual(problems, []);
  await close();
});

test('the contact sheet waits for images, then draws the first 48 cases captioned', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await give(page, LOGITS);
  await page.getByTestId('nav').getByRole('link', { name: 'Cases' }).click();
  await page.getByTestId('case-list').waitFor();
  await page.getByTestId('filter-labels').selectOption('1');
  await page.waitForFunction(() => /labels=1/.test(location.search));
  const sheet = page.getByTestId('export-sheet');
  assert.ok(await sheet.isDisabled(), 'no images: no sheet');
  assert.match(await page.getByTestId('export-sheet-why').textContent(), /add images first/);
  assert.match(await sheet.textContent(), /first 48/);
  assert.equal(await sheet.getAttribute('aria-describedby'), 'export-sheet-why');
  // Reachable by name, as a screen reader user would find them.
  assert.equal(await page.getByRole('button', { name: 'Download the filtered cases as CSV' }).count(), 1);

  await page.locator('.image-source summary').click();
  await page.getByTestId('images-tar-input').setInputFiles(path.join(root, 'target', 'e2e-images.tar'));
  await page.waitForFunction(() => /60 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? ''));
  assert.ok(await sheet.isEnabled());
  assert.equal(await page.getByTestId('export-sheet-why').count(), 0);
  const first = Number(await page.getByTestId('case-row').first().getAttribute('data-image'));
  // The cases the sheet holds, and how many of them the 60 stand-in images miss.
  const cases = parseCsv((await download(page, 'export-csv')).bytes.toString('utf8')).slice(2, 50).map((r) => Number(r[0]));
  const missing = cases.filter((id) => id > 60).length;

  const png = await download(page, 'export-sheet');
  assert.equal(png.name, 'real-explorer-cases-logits_f32-npy-labels-1.png');
  await writeFile(path.join(artifacts, 'contact-sheet.png'), png.bytes);
  const status = await page.getByTestId('export-status').textContent();
  assert.match(status, new RegExp(`saved ${png.name.replace(/\./g, '\\.')} \\(48 cases; ${missing} images not in the source or unreadable\\)`));
  const image = decodePng(png.bytes);
  // Eight thumbnails of 192 pixels across with 10 between; six rows of thumbnail and caption.
  assert.equal(image.width, 10 + 8 * 202);
  assert.equal(image.height, 58 + 6 * (192 + 5 + 4 * 17 + 10) + 10);
  // Not blank: many colours (photographs, anti-aliased text), neither all white nor all ink.
  const colours = new Set();
  let white = 0;
  for (let i = 0; i < image.pixels.length; i += 3) {
    const [r, g, b] = image.pixels.subarray(i, i + 3);
    colours.add((r << 16) | (g << 8) | b);
    if (r === 255 && g === 255 && b === 255) white++;
  }
  const total = image.width * image.height;
  assert.ok(colours.size > 200, `${colours.size} colours`);
  assert.ok(white > 0.2 * total && white < 0.9 * total, `${white} of ${total} pixels white`);
  // The first cell shows the first case's image: its stand-in colour at the centre.
  const [r, g, b] = image.pixel(10 + 96, 58 + 96);
  const expected = standInColour(first);
  assert.ok(Math.abs(r - expected[0]) < 20 && Math.abs(g - expected[1]) < 20 && Math.abs(b - expected[2]) < 20,
    `centre of the first thumbnail ${[r, g, b]} is image ${first}'s ${expected}`);
  // Its caption's first line has dark text under the thumbnail.
  let ink = 0;
  for (let x = 10; x < 202; x++) for (let y = 58 + 197; y < 58 + 197 + 17; y++) if (image.pixel(x, y)[0] < 100) ink++;
  assert.ok(ink > 20, `${ink} dark pixels in the first caption line`);
  assert.deepEqual(problems, []);
  await close();
});

test('the per-class table downloads every class as CSV and JSON', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await give(page, LOGITS);
  await page.getByTestId('per-class').waitFor();
  const csv = await download(page, 'export-per-class-csv');
  assert.equal(csv.name, 'real-explorer-per-class-logits_f32-npy-real-vs-original.csv');
  const records = parseCsv(csv.bytes.toString('utf8'));
  assert.match(records[0][0], /^# ReaL Explorer per-class table; model logits_f32\.npy/);
  assert.deepEqual(records[1], ['class', 'wnid', 'name', 'real_top1', 'real_correct', 'real_images',
    'original_top1', 'original_correct', 'original_images', 'real_minus_original_pts']);
  assert.equal(records.length, 2 + 1000);
  assert.deepEqual(records[2].slice(0, 3), ['0', 'n01440764', 'tench']);
  // Every class's original-label images add up to the 50,000; correct counts to the headline's.
  const want = ctx.expected[LOGITS];
  const sum = (col) => records.slice(2).reduce((s, r) => s + Number(r[col]), 0);
  assert.equal(sum(8), 50_000);
  assert.equal(sum(5), want.scored);
  assert.equal(sum(4), want.real_top1_correct);
  assert.equal(sum(7), want.original_top1_correct);
  const json = JSON.parse((await download(page, 'export-per-class-json')).bytes.toString('utf8'));
  assert.equal(json.export, 'per-class');
  assert.equal(json.count, 1000);
  assert.equal(json.rows[0].name, 'tench');
  assert.deepEqual(problems, []);
  await close();
});
