// End-to-end: the built page (dist/) in headless Chromium, driven as a user would.
// Needs `trunk build --release` and tools/reference/golden.py (fixtures + expected figures).
//   node --test e2e/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, ctx, pct, count, openPage as open, golden, artifacts } from './harness.mjs';

setUp();

async function openPage() {
  const { page, problems, close } = await open();
  await page.getByTestId('dataset-facts').waitFor();
  page.closeAll = close;
  return { page, problems };
}

async function give(page, name) {
  await page.getByTestId('predictions-input').setInputFiles(path.join(golden, name));
}
test('the page shows the dataset facts before any file', async () => {
  const { page, problems } = await openPage();
  assert.equal(await page.getByTestId('fact-images').textContent(), '50,000');
  assert.equal(await page.getByTestId('fact-scored').textContent(), '46,837');
  assert.equal(await page.getByTestId('fact-excluded').textContent(), '3,163');
  assert.equal(await page.getByTestId('fact-multi-label').textContent(), '7,443');
  assert.equal(await page.getByTestId('fact-original-in-real').textContent(), '42,164');
  assert.equal(await page.getByTestId('fact-real-equals-original').textContent(), '35,716');
  const decodeMs = await page.getByTestId('dataset-facts').getAttribute('data-decode-ms');
  console.log(`# check and decode of the data file in Chromium: ${decodeMs} ms`);
  await page.screenshot({ path: path.join(artifacts, 'start.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.closeAll();
});

for (const name of ['top5_i2_be_imagefolder.npy', 'timm_top5.csv', 'hf_pipeline.json', 'devkit_submission.txt']) {
  test(`a dropped ${name} shows the reference figures`, async () => {
    const want = ctx.expected[name];
    const { page, problems } = await openPage();
    await give(page, name);
    await page.getByTestId('real-top1').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('real-top1').textContent(), pct(want.real_top1));
    assert.equal(await page.getByTestId('original-top1').textContent(), pct(want.original_top1));
    assert.equal(await page.getByTestId('real-top5').textContent(), want.k >= 5 ? pct(want.real_top5) : '—');
    assert.equal(await page.getByTestId('excluded-count').textContent(), count(want.excluded));
    assert.equal(await page.getByTestId('split-real-only').textContent(), count(want.split.real_only));
    assert.equal(await page.getByTestId('row-order').textContent(), want.order);
    assert.equal(await page.getByTestId('class-convention').textContent(), want.class_convention);
    await page.screenshot({ path: path.join(artifacts, `results-${name}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await page.closeAll();
  });
}

test('a bad file shows a clear error and keeps the figures loaded before', async () => {
  const { page, problems } = await openPage();
  await give(page, 'top1.json');
  await page.getByTestId('real-top1').waitFor();
  const before = await page.getByTestId('real-top1').textContent();
  await give(page, 'truncated.npy');
  const error = page.getByTestId('load-error');
  await error.waitFor();
  const message = await error.textContent();
  assert.match(message, /truncated\.npy could not be read/);
  assert.match(message, /truncated/);
  assert.match(message, /byte \d+/);
  assert.equal(await page.getByTestId('real-top1').textContent(), before);
  await page.screenshot({ path: path.join(artifacts, 'error.png'), fullPage: true });
  // The page stays usable: the next good file replaces the error.
  await give(page, 'caffe.txt');
  await page.getByTestId('load-error').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('real-top1').textContent(), pct(ctx.expected['caffe.txt'].real_top1));
  assert.deepEqual(problems, []);
  await page.closeAll();
});

test('overriding the class convention re-reads the file', async () => {
  const { page, problems } = await openPage();
  await give(page, 'top5_i2_be_imagefolder.npy');
  await page.getByTestId('real-top1').waitFor();
  await page.getByTestId('order-select').selectOption('filename');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-order]')?.textContent === 'filename');
  const wrong = await page.getByTestId('original-top1').textContent();
  assert.ok(parseFloat(wrong) < 1, `filename order should score near chance, got ${wrong}`);
  await page.getByTestId('order-select').selectOption('');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-order]')?.textContent === 'imagefolder');
  assert.deepEqual(problems, []);
  await page.closeAll();
});
