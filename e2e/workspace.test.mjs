// End-to-end: a workspace of three models and two label files in headless Chromium; the
// leaderboard and the paired comparison checked against the numpy reference
// (tools/reference/golden.py writes target/golden/labels/expected.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { setUp, ctx, count, pct, openPage, shot, golden } from './harness.mjs';

setUp();

const LABELS = path.join(golden, 'labels');
const MODELS = ['model_a.npy', 'model_b.npz', 'model_c.json'];
// Label files get their stem as key, made unique: real.json meets the built-in "real".
const LABEL_FILES = { 'real.json': 'real-2', 'relabel.json': 'relabel' };

async function expected() {
  return JSON.parse(await readFile(path.join(LABELS, 'expected.json'), 'utf8'));
}

/** The text a p-value shows as: two significant figures, or "p < 1e-300". */
function pText(p, log10p) {
  if (log10p < -300) return 'p < 1e-300';
  if (p >= 1) return 'p = 1';
  if (p >= 0.001) {
    const decimals = p >= 0.1 ? 2 : p >= 0.01 ? 3 : 4;
    return `p = ${p.toFixed(decimals).replace(/0+$/, '')}`;
  }
  let exponent = Math.floor(log10p);
  let mantissa = 10 ** (log10p - exponent);
  if (Math.round(mantissa * 10) >= 100) { mantissa = 1; exponent += 1; }
  return `p = ${mantissa.toFixed(1)}e${exponent}`;
}

async function loadWorkspace(page) {
  for (const [i, model] of MODELS.entries()) {
    await page.getByTestId('predictions-input').setInputFiles(path.join(LABELS, model));
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=model-item]').length === n, i + 1, { timeout: 60_000 });
  }
  await page.getByTestId('labels-input').setInputFiles(Object.keys(LABEL_FILES).map((f) => path.join(LABELS, f)));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=label-item]').length === 4, null, { timeout: 60_000 });
}

test('three models and two label files: leaderboard and comparison agree with numpy', async () => {
  const want = await expected();
  const { page, problems, close } = await openPage(ctx.base, { permissions: ['clipboard-read', 'clipboard-write'] });
  await loadWorkspace(page);
  const names = await page.getByTestId('model-item').evaluateAll((items) => items.map((i) => i.dataset.model));
  assert.deepEqual(names, MODELS, 'models are named after their files');
  const keys = await page.getByTestId('label-item').evaluateAll((items) => items.map((i) => i.dataset.labels));
  assert.deepEqual(keys, ['real', 'original', ...Object.values(LABEL_FILES)]);
  await shot(page, 'workspace.png');

  // The model on screen (the last loaded) under every label set, and split between two
  // loaded label sets; each part of the split opens its cases.
  const split = want.splits['model_c.json'];
  for (const key of ['original', 'real', ...Object.values(LABEL_FILES)]) {
    const text = await page.locator(`[data-testid=label-set-row][data-labels="${key}"] [data-testid=label-set-top1]`).textContent();
    assert.ok(text.startsWith(pct(want.label_sets['model_c.json'][key].top1)), `${key}: ${text}`);
  }
  await page.getByTestId('split-first').selectOption(split.first);
  await page.getByTestId('split-second').selectOption(split.second);
  for (const part of ['both', 'real-only', 'original-only', 'neither']) {
    assert.equal(await page.getByTestId(`pair-split-${part}`).textContent(), count(split[part]), part);
  }
  await page.getByTestId('label-sets-panel').scrollIntoViewIfNeeded();
  await shot(page, 'label-sets.png');
  await page.locator('[data-testid=label-sets-panel] a.split-link.real-only').click();
  await page.getByTestId('case-list').waitFor();
  assert.equal(await page.getByTestId('case-count').textContent(), count(split['real-only']));
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByTestId('workspace').waitFor();

  // A bad label file says why and loses nothing.
  await page.getByTestId('labels-input').setInputFiles(path.join(LABELS, 'model_a.npy'));
  await page.getByTestId('labels-error').waitFor();
  assert.match(await page.getByTestId('labels-error').textContent(), /one label per image, found 5 per row/);
  assert.equal(await page.getByTestId('label-item').count(), 4);
  assert.equal(await page.getByTestId('model-item').count(), 3);

  // Every loaded model on the map of published models; the partial one hollow.
  await page.getByRole('link', { name: 'Published models' }).click();
  await page.getByTestId('published-map').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=published-point]').length === 1556);
  const points = await page.getByTestId('model-point').evaluateAll((p) => p.map((e) => e.dataset.model));
  assert.deepEqual(points.sort(), [...MODELS].sort());
  await shot(page, 'published-workspace.png');

  // Leaderboard: every model under every label set, against numpy.
  await page.getByRole('link', { name: 'Leaderboard' }).click();
  await page.getByTestId('leaderboard').waitFor();
  assert.equal(await page.getByTestId('leaderboard-row').count(), 3);
  await shot(page, 'leaderboard.png');
  for (const model of MODELS) {
    const row = page.locator(`[data-testid=leaderboard-row][data-model="${model}"]`);
    for (const key of ['original', 'real', ...Object.values(LABEL_FILES)]) {
      const figures = want.label_sets[model][key];
      const cell = row.locator(`[data-testid=leaderboard-top1][data-labels="${key}"]`);
      const text = await cell.textContent();
      assert.ok(text.startsWith(pct(figures.top1)), `${model} ${key}: ${text} vs ${pct(figures.top1)}`);
      assert.ok(text.includes(`of ${count(figures.scored)}`), `${model} ${key}: denominator in ${text}`);
    }
  }
  assert.match(await page.locator('[data-testid=leaderboard-row][data-model="model_b.npz"]').textContent(), /partial: 40,000 images/);
  // Sorting by the name column orders rows by name.
  await page.getByTestId('leaderboard').getByRole('button', { name: /^model/ }).click();
  const sorted = await page.getByTestId('leaderboard-row').evaluateAll((rows) => rows.map((r) => r.dataset.model));
  assert.deepEqual(sorted, [...MODELS].sort());
  await page.getByTestId('leaderboard').getByRole('button', { name: /^model/ }).click();
  const reversed = await page.getByTestId('leaderboard-row').evaluateAll((rows) => rows.map((r) => r.dataset.model));
  assert.deepEqual(reversed, [...MODELS].sort().reverse());

  // Comparison: A = first model, B = second by default; every label set at once.
  await page.getByRole('link', { name: 'Compare' }).click();
  await page.getByTestId('compare-card').first().waitFor();
  for (const c of want.comparisons.filter((c) => c.b === 'model_b.npz')) {
    for (const [cell, field] of [['compare-both', 'both'], ['compare-a-only', 'a_only'], ['compare-b-only', 'b_only'], ['compare-neither', 'neither']]) {
      const got = await page.locator(`[data-testid=${cell}][data-labels="${c.labels}"]`).textContent();
      assert.equal(got, count(c[field]), `${c.labels} ${field}`);
    }
    const p = await page.locator(`[data-testid=mcnemar-p][data-labels="${c.labels}"]`).textContent();
    assert.equal(p, pText(c.mcnemar_p, c.mcnemar_log10_p), `${c.labels} p`);
    const difference = await page.locator(`[data-testid=compare-difference][data-labels="${c.labels}"]`).textContent();
    assert.equal(difference, `${c.difference >= 0 ? '+' : '−'}${Math.abs(100 * c.difference).toFixed(2)} pp`);
  }
  await shot(page, 'compare.png');

  // Pick B = model_c: the link carries the choice; a p below 1e-300 reads as such.
  await page.getByTestId('compare-b').selectOption('model_c.json');
  await page.waitForFunction(() => /model=model_a\.npy&model=model_c\.json/.test(location.search));
  const tiny = want.comparisons.find((c) => c.b === 'model_c.json' && c.mcnemar_log10_p < -300);
  assert.ok(tiny, 'the reference has a p below 1e-300');
  assert.equal(await page.locator(`[data-testid=mcnemar-p][data-labels="${tiny.labels}"]`).textContent(), 'p < 1e-300');

  // A cell opens its cases: A right, B wrong under ReaL.
  await page.getByTestId('compare-b').selectOption('model_b.npz');
  const aOnly = want.comparisons.find((c) => c.b === 'model_b.npz' && c.labels === 'real');
  await page.locator('[data-testid=compare-a-only][data-labels="real"]').click();
  await page.getByTestId('case-list').waitFor();
  assert.equal(await page.getByTestId('case-count').textContent(), count(aOnly.a_only));
  assert.match(await page.getByTestId('versus-pill').textContent(), /model_a\.npy right, model_b\.npz wrong under ReaL/);

  // The image page shows every model's top-k; its link carries them all.
  await page.getByTestId('case-row').first().click();
  await page.getByTestId('image-page').waitFor();
  const shown = await page.getByTestId('model-top').evaluateAll((m) => m.map((e) => e.dataset.model));
  assert.ok(shown.length >= 2 && shown[0] === 'model_a.npy' && shown[1] === 'model_b.npz', shown.join());
  await shot(page, 'image-two-models.png');
  await page.getByTestId('copy-link').click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.deepEqual(problems, []);
  await close();

  const fresh = await openPage(link);
  await fresh.page.getByTestId('image-page').waitFor();
  const carried = await fresh.page.getByTestId('model-top').evaluateAll((m) => m.map((e) => [e.dataset.model, e.querySelector('h3').textContent]));
  assert.deepEqual(carried.map((c) => c[0]), shown, 'the link carries every model it shows');
  for (const [, title] of carried) assert.match(title, /\(from the link\)/);
  assert.deepEqual(fresh.problems, []);
  await fresh.close();
});

test('a newcomer with no file uses the original labels as a model', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await page.getByTestId('try-original').click();
  await page.getByTestId('real-top1').waitFor();
  // The original annotation under ReaL: 42,164 of 46,837 (the paper's 90.02%).
  assert.equal(await page.getByTestId('real-top1').textContent(), pct(42164 / 46837));
  assert.equal(await page.getByTestId('original-top1').textContent(), '100.00%');
  assert.deepEqual(problems, []);
  await close();
});

test('each model keeps its own reading', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  const file = path.join(golden, 'top5_i2_be_imagefolder.npy');
  await page.getByTestId('predictions-input').setInputFiles(file);
  await page.getByTestId('real-top1').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('row-order').textContent(), 'imagefolder');
  await page.getByTestId('order-select').selectOption('filename');
  await page.waitForFunction(() => document.querySelector('[data-testid=row-order]')?.textContent === 'filename');
  // The next file is detected afresh, not read with the first file's override.
  await page.getByTestId('predictions-input').setInputFiles(file);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-item]').length === 2);
  await page.waitForFunction(() => document.querySelector('[data-testid=row-order]')?.textContent === 'imagefolder');
  const names = await page.getByTestId('model-item').evaluateAll((items) => items.map((i) => i.dataset.model));
  assert.deepEqual(names, ['top5_i2_be_imagefolder.npy', 'top5_i2_be_imagefolder.npy-2']);
  // The first model kept its own reading.
  await page.locator('[data-testid=model-item][data-model="top5_i2_be_imagefolder.npy"] .model-name').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=row-order]')?.textContent === 'filename');
  assert.deepEqual(problems, []);
  await close();
});

test('a label file given as predictions is offered as labels', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await page.getByTestId('predictions-input').setInputFiles(path.join(LABELS, 'real.json'));
  await page.getByTestId('label-offer').waitFor();
  assert.equal(await page.getByTestId('model-item').count(), 0, 'nothing was read as predictions');
  await page.getByTestId('offer-labels').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=label-item][data-labels="real-2"]'));
  assert.equal(await page.getByTestId('label-offer').count(), 0);
  // Text lines of labels, ragged, are offered too.
  const lines = path.join(LABELS, 'few.txt');
  await writeFile(lines, 'ILSVRC2012_val_00000001.JPEG 65 58\nILSVRC2012_val_00000002.JPEG\nILSVRC2012_val_00000003.JPEG 3\n');
  await page.getByTestId('predictions-input').setInputFiles(lines);
  await page.getByTestId('label-offer').waitFor();
  await page.getByTestId('offer-labels').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=label-item][data-labels="few"]'));
  // A predictions file is never offered: model_c.json is a list of numbers.
  await page.getByTestId('predictions-input').setInputFiles(path.join(LABELS, 'model_c.json'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-item]').length === 1);
  assert.equal(await page.getByTestId('label-offer').count(), 0);
  assert.deepEqual(problems, []);
  await close();
});

test('a link naming models this page has not loaded says what to load', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=compare&model=theirs.npy&model=baseline.npy`);
  await page.getByTestId('missing-models').waitFor();
  assert.match(await page.getByTestId('missing-models').textContent(), /theirs\.npy and baseline\.npy, not loaded here/);
  assert.equal(await page.getByTestId('compare-empty').count(), 1);
  assert.deepEqual(problems, []);
  await close();
});

test('models and label files survive a reload and a later visit, until forgotten', async () => {
  const want = await expected();
  const { page, problems, close } = await openPage(ctx.base);
  await loadWorkspace(page);
  await page.locator('[data-testid=model-item][data-model="model_b.npz"] button', { hasText: 'rename' }).click();
  await page.getByTestId('rename-model').fill('model B');
  await page.getByTestId('rename-model').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=model-item][data-model="model B"]'));
  await page.locator('[data-testid=model-item][data-model="model_c.json"] [data-testid=remove-model]').click();
  // A label set is renamed on screen; its key stays.
  const labelName = page.locator('[data-testid=label-item][data-labels="relabel"] [data-testid=rename-labels]');
  await labelName.fill('crowd relabel');
  await labelName.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=label-item][data-labels="relabel"] input')?.value === 'crowd relabel');
  await page.locator('nav a', { hasText: 'Leaderboard' }).click();
  await page.getByRole('button', { name: /^crowd relabel top-1/ }).waitFor();
  await page.locator('nav a', { hasText: 'Overview' }).click();
  // Saving is asynchronous: wait until every item is kept before leaving.
  await page.waitForTimeout(500);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=model-item]').length === 2, null, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=label-item]').length === 4);
  const names = await page.getByTestId('model-item').evaluateAll((items) => items.map((i) => i.dataset.model));
  assert.deepEqual(names, ['model_a.npy', 'model B']);
  assert.equal(await page.locator('[data-testid=model-item] .restored').count(), 2);
  assert.equal(await page.locator('[data-testid=label-item] .restored').count(), 2);
  assert.equal(await page.locator('[data-testid=label-item][data-labels="relabel"] input').inputValue(), 'crowd relabel');
  await shot(page, 'restored.png');
  // The restored figures are the figures: the leaderboard agrees with numpy.
  await page.locator('nav a', { hasText: 'Leaderboard' }).click();
  const cell = page.locator('[data-testid=leaderboard-row][data-model="model B"] [data-testid=leaderboard-top1][data-labels="relabel"]');
  assert.ok((await cell.textContent()).startsWith(pct(want.label_sets['model_b.npz'].relabel.top1)));
  assert.deepEqual(problems, []);
  await close();
});

test('forget all empties the workspace and what the browser keeps', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await page.getByTestId('predictions-input').setInputFiles(path.join(LABELS, 'model_a.npy'));
  await page.getByTestId('labels-input').setInputFiles(path.join(LABELS, 'relabel.json'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=label-item]').length === 3);
  await page.waitForTimeout(500);
  // Forgetting everything asks first.
  let asked = '';
  page.once('dialog', (dialog) => { asked = dialog.message(); dialog.accept(); });
  await page.getByTestId('forget-all').click();
  assert.match(asked, /Remove every loaded model and label file/);
  assert.equal(await page.getByTestId('model-item').count(), 0);
  await page.waitForTimeout(300);
  await page.reload();
  await page.getByTestId('try-original').waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.getByTestId('model-item').count(), 0);
  assert.equal(await page.getByTestId('label-item').count(), 2);
  assert.deepEqual(problems, []);
  await close();
});

test('forget all during a load cancels it: the file forgotten is neither shown nor kept', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await page.getByTestId('predictions-input').setInputFiles(path.join(LABELS, 'model_a.npy'));
  await page.getByTestId('model-item').waitFor();
  await page.waitForTimeout(300);
  // A 200 MB score matrix takes a moment; forget everything while it loads.
  await page.getByTestId('predictions-input').setInputFiles(path.join(golden, 'logits_f16_be_fortran_imagefolder.npy'));
  await page.getByTestId('load-status').waitFor();
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByTestId('forget-all').click();
  await page.getByTestId('load-status').waitFor({ state: 'detached' });
  await page.waitForTimeout(3000);
  assert.equal(await page.getByTestId('model-item').count(), 0, 'the forgotten load does not arrive');
  await page.reload();
  await page.getByTestId('try-original').waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.getByTestId('model-item').count(), 0, 'nor is it kept');
  assert.deepEqual(problems, []);
  await close();
});

test('without storage (a private window) the page says so and works on in memory', async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { get: () => undefined }));
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(ctx.base);
  await page.getByTestId('predictions-input').setInputFiles(path.join(LABELS, 'model_a.npy'));
  await page.getByTestId('real-top1').waitFor();
  await page.getByTestId('notices').waitFor();
  assert.match(await page.getByTestId('notices').textContent(), /works on in memory/);
  assert.equal(await page.getByTestId('model-item').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});
