// End-to-end: the "Published models" view in headless Chromium — the user's model among timm's
// 1,556 published results, fetched from ./timm/ when the view opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, ctx, pct, openPage, shot, SUB, golden, artifacts } from './harness.mjs';

setUp();

const PUBLISHED = 1556;
/** A full 50,000-image model and one covering 10,000 images (tools/reference/golden.py). */
const FULL = 'top1.json';
const PARTIAL = 'tfslim.npz';

async function openPublished(url = `${ctx.base}?page=published`, options) {
  const opened = await openPage(url, options);
  await opened.page.getByTestId('published-map').waitFor({ timeout: 30_000 });
  return opened;
}

async function giveHere(page, name) {
  await page.getByTestId('predictions-input').setInputFiles(path.join(golden, name));
  await page.getByTestId('model-point').waitFor({ timeout: 60_000 });
}

const inView = async (page) => (await page.getByTestId('published-in-view').textContent()).trim();

const noSidewaysScroll = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

test('without a model: every published model is drawn, none of them a tab stop', async () => {
  const { page, problems, close } = await openPublished();
  assert.equal(await page.getByTestId('published-point').count(), PUBLISHED);
  assert.equal(await page.getByTestId('model-point').count(), 0);
  assert.equal(await page.locator('[data-testid=published-point][tabindex]').count(), 0);
  // Each point names itself on hover.
  const title = await page.locator('[data-testid=published-point][data-model="resnet50.tv_in1k"] title').textContent();
  assert.equal(title, 'resnet50.tv_in1k (224 px): original top-1 76.156%, ReaL top-1 82.969%');
  assert.equal(await inView(page), `1,556 of 1,556 published models in view`);
  // Pointing near a point (the lowest ReaL top-1, alone at the bottom) shows its figures.
  const loneliest = page.getByTestId('published-point').last();
  const at = await loneliest.boundingBox();
  await page.mouse.move(at.x + at.width / 2 + 3, at.y + at.height / 2 + 2);
  assert.equal(await page.getByTestId('detail-name').textContent(), await loneliest.getAttribute('data-model'));
  assert.equal(await page.getByTestId('published-ring').count(), 1);
  await page.mouse.move(0, 0);
  assert.equal(await page.getByTestId('published-ring').count(), 0);
  // No zoom switch without a model to zoom to; the list starts with the best ReaL top-1.
  assert.equal(await page.getByTestId('zoom-models').count(), 0);
  assert.equal(await page.getByTestId('published-caption').textContent(), 'Highest ReaL top-1');
  assert.equal(await page.getByTestId('published-option').count(), 50);
  await shot(page, 'published-all.png');
  // Fetched once per page life: leaving the view and coming back asks for nothing.
  const fetched = [];
  page.on('request', (r) => { if (r.url().includes('/timm/')) fetched.push(r.url()); });
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByTestId('dataset-facts').waitFor();
  await page.getByRole('link', { name: 'Published models' }).click();
  await page.getByTestId('published-map').waitFor();
  assert.equal(await page.getByTestId('published-point').count(), PUBLISHED);
  assert.deepEqual(fetched, []);
  assert.deepEqual(problems, []);
  await close();
});

test('a loaded model is drawn and named, zoomed to its neighbours; the list reaches any published model', async () => {
  const { page, problems, close } = await openPublished();
  await giveHere(page, FULL);
  const want = ctx.expected[FULL];
  const points = page.getByTestId('model-point');
  assert.equal(await points.count(), 1);
  assert.equal(await points.getAttribute('data-model'), FULL);
  assert.equal(await points.locator('text').textContent(), FULL);
  assert.equal(await points.getAttribute('class'), 'user-point', 'a full model is drawn filled');
  assert.equal(await page.getByTestId('partial-note').count(), 0);
  // The detail box starts on the user's model, with the Overview's figures.
  assert.equal(await page.getByTestId('detail-name').textContent(), FULL);
  assert.equal(await page.getByTestId('detail-original-top1').textContent(), pct(want.original_top1));
  assert.equal(await page.getByTestId('detail-real-top1').textContent(), pct(want.real_top1));
  // Zoomed by default: a neighbourhood, not everything.
  assert.equal(await page.getByTestId('zoom-models').getAttribute('aria-pressed'), 'true');
  const zoomed = await inView(page);
  const shown = parseInt(zoomed.replace(/,/g, ''), 10);
  assert.ok(shown >= 12 && shown < PUBLISHED, zoomed);
  assert.equal(await page.getByTestId('published-point').count(), PUBLISHED, 'every point stays in the page');
  assert.match(await page.getByTestId('published-caption').textContent(), new RegExp(`Nearest to ${FULL.replace('.', '\\.')}`));
  await shot(page, 'published-zoom.png');

  // Keyboard focus on the model shows its figures too.
  await page.getByTestId('published-option').first().hover();
  assert.notEqual(await page.getByTestId('detail-name').textContent(), FULL);
  await page.mouse.move(0, 0);
  await points.focus();
  assert.equal(await page.getByTestId('detail-name').textContent(), FULL);

  // Search, choose, read its figures.
  await page.getByTestId('published-search').fill('resnet50.tv_in1k');
  await page.waitForFunction(() => document.querySelector('[data-testid=published-caption]')?.textContent === '1 match');
  const option = page.locator('[data-testid=published-option][data-model="resnet50.tv_in1k"]');
  await option.click();
  assert.equal(await option.getAttribute('aria-pressed'), 'true');
  await page.mouse.move(0, 0);
  assert.equal(await page.getByTestId('detail-name').textContent(), 'resnet50.tv_in1k');
  assert.equal(await page.getByTestId('detail-original-top1').textContent(), '76.156%');
  assert.equal(await page.getByTestId('detail-real-top1').textContent(), '82.969%');
  assert.match(await page.getByTestId('published-detail').textContent(), /ReaL top-5\s*95\.474%/);
  // The chosen model is ringed on the plot, which left the zoom to show it.
  assert.equal(await page.getByTestId('published-ring').count(), 1);
  assert.equal(await page.getByTestId('zoom-all').getAttribute('aria-pressed'), 'true');
  assert.equal(await inView(page), '1,556 of 1,556 published models in view');
  await shot(page, 'published-selected.png');

  // A word and an image size narrow the list; back to the zoom.
  await page.getByTestId('published-search').fill('vit_base 384');
  await page.waitForFunction(() => /match/.test(document.querySelector('[data-testid=published-caption]')?.textContent ?? ''));
  for (const name of await page.getByTestId('published-option').evaluateAll((els) => els.map((e) => e.dataset.model))) {
    assert.match(name, /vit_base/);
  }
  await page.getByTestId('zoom-models').click();
  assert.equal(await inView(page), zoomed);
  assert.deepEqual(problems, []);
  await close();
});

test('a model covering some images is drawn hollow, with a note on what timm counts', async () => {
  const { page, problems, close } = await openPublished();
  await giveHere(page, PARTIAL);
  assert.match(await page.getByTestId('model-point').getAttribute('class'), /hollow/);
  const note = await page.getByTestId('partial-note').textContent();
  assert.match(note, new RegExp(PARTIAL.replace('.', '\\.')));
  assert.match(note, /50,000/);
  assert.match(note, /46,837/);
  await page.screenshot({ path: path.join(artifacts, 'published-partial.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await close();
});

test('on a phone nothing scrolls sideways', async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${ctx.base}?page=published`);
  await page.getByTestId('published-map').waitFor({ timeout: 30_000 });
  assert.ok(await noSidewaysScroll(page), 'without a model');
  await giveHere(page, FULL);
  assert.ok(await noSidewaysScroll(page), 'with a model');
  const box = await page.getByTestId('published-map').boundingBox();
  assert.ok(box.width <= 390, `the plot is ${box.width} px wide`);
  await page.getByTestId('published-map').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'published-phone.png'), fullPage: true });
  // Tapping a published point selects it.
  const point = page.locator('[data-testid=published-point]').nth(700);
  const name = await point.getAttribute('data-model');
  await page.getByTestId('zoom-all').tap();
  await point.scrollIntoViewIfNeeded();
  const at = await point.boundingBox();
  await page.touchscreen.tap(at.x + at.width / 2, at.y + at.height / 2);
  await page.getByTestId('published-ring').waitFor();
  assert.ok((await page.getByTestId('published-detail').textContent()).length > 0);
  assert.ok(name);
  assert.deepEqual(problems, []);
  await context.close();
});

test('under a sub-path the published files load from beside the page; a failed fetch says so and can be retried', async () => {
  const url = `${ctx.base}${SUB.slice(1)}?page=published`;
  const opened = await openPage(url);
  const { page } = opened;
  await page.getByTestId('published-map').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('published-point').count(), PUBLISHED);
  assert.deepEqual(opened.problems, []);
  await opened.close();

  const failing = await ctx.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const broken = await failing.newPage();
  let refuse = true;
  await broken.route('**/timm/results-imagenet-real.csv', (route) => (refuse ? route.fulfill({ status: 404, body: 'gone' }) : route.continue()));
  await broken.goto(url);
  const error = broken.getByTestId('published-error');
  await error.waitFor({ timeout: 30_000 });
  assert.match(await error.textContent(), /could not be loaded.*results-imagenet-real\.csv.*404/);
  await shot(broken, 'published-error.png');
  refuse = false;
  await error.getByRole('button', { name: 'try again' }).click();
  await broken.getByTestId('published-map').waitFor({ timeout: 30_000 });
  assert.equal(await broken.getByTestId('published-point').count(), PUBLISHED);
  await failing.close();
});
