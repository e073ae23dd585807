// End-to-end: every view for every user — axe-core on each, at desktop and phone sizes, with
// and without models; triage by keyboard; the states a filter can end in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { setUp, ctx, openPage, give, golden, artifacts } from './harness.mjs';

setUp();

const LOGITS = 'logits_f32.npy';
const TOP5 = 'top5_i2_be_imagefolder.npy';
const TOP1 = 'top1.json';

const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const VIEWS = [
  ['overview', '?page=overview', /^Overview/],
  ['cases', '?page=cases', /^Cases/],
  ['cases-filtered', '?page=cases&labels=2', /^Cases \(filtered\)/],
  ['multi', '?page=multi', /^Multi-object images/],
  ['image', '?page=image&image=42', /^Image #42/],
  ['pairs', '?page=pairs', /^Duplicate pairs/],
  ['leaderboard', '?page=leaderboard', /^Leaderboard/],
  ['compare', '?page=compare', /^Compare/],
  ['published', '?page=published', /^Published models/],
  ['empty', '?page=cases&changed=1&labels=0', /^Cases \(filtered\)/],
];

/** Goes to a view inside the page, as its links do, so that loaded models stay. */
async function visit(page, query) {
  await page.evaluate((q) => {
    history.pushState(null, '', q);
    dispatchEvent(new PopStateEvent('popstate'));
  }, query);
  await page.waitForFunction(() => document.querySelector('main') && !document.querySelector('.data-loading'));
  await page.waitForTimeout(250);
}

/** Serious and critical axe-core violations, one line each. */
async function violations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`));
}

for (const [size, viewport] of Object.entries(SIZES)) {
  for (const models of [[], [LOGITS, TOP5]]) {
    const label = `${size}, ${models.length ? 'two models' : 'no model'}`;
    test(`every view at ${label}: no serious accessibility violation, nothing scrolls sideways, the title names it`, async () => {
      const { page, problems, close } = await openPage(ctx.base);
      await page.setViewportSize(viewport);
      for (const [i, name] of models.entries()) {
        await page.getByTestId('predictions-input').setInputFiles(path.join(golden, name));
        await page.waitForFunction((n) => document.querySelectorAll('[data-testid=model-item]').length === n, i + 1, { timeout: 60_000 });
      }
      for (const [view, query, title] of VIEWS) {
        await visit(page, query);
        const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(width[0] <= width[1], `${view} at ${label} scrolls sideways: ${width[0]} px in ${width[1]}`);
        assert.deepEqual(await violations(page), [], `${view} at ${label}`);
        assert.match(await page.title(), title, `the title of ${view}`);
        if (models.length) assert.match(await page.title(), /logits_f32\.npy · ReaL Explorer$/);
        await page.screenshot({ path: path.join(artifacts, `access-${size}-${models.length ? 'models' : 'empty'}-${view}.png`) });
      }
      // The current tab is announced as such.
      await visit(page, '?page=pairs');
      assert.equal(await page.locator('nav [aria-current=page]').textContent(), 'Duplicate pairs');
      assert.deepEqual(problems, []);
      await close();
    });
  }
}

/** The selected row's image and whether it lies wholly inside the window. */
async function selection(page) {
  return page.evaluate(() => {
    const row = document.querySelector('.case-row.selected');
    if (!row) return null;
    const r = row.getBoundingClientRect();
    return {
      image: row.dataset.image,
      inView: r.top >= 0 && r.bottom <= window.innerHeight,
      top: Math.round(r.top),
      focused: document.activeElement?.closest('.case-row') === row,
    };
  });
}

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`keyboard triage at ${size} size: j ×15 keeps the row in view; Enter, Esc and Back come back to it`, async () => {
    const { page, problems, close } = await openPage(ctx.base);
    await page.setViewportSize(viewport);
    await give(page, LOGITS);
    await visit(page, '?page=cases&outcome=neither');
    await page.getByTestId('case-row').first().waitFor();
    // The first j takes up the first row, which is selected but has not had the focus.
    await page.keyboard.press('j');
    assert.equal(await page.locator('.case-row.selected').getAttribute('aria-posinset'), '1');
    assert.ok((await selection(page)).focused);
    for (let i = 1; i <= 15; i++) {
      await page.keyboard.press('j');
      const now = await selection(page);
      assert.ok(now.inView, `after ${i} presses of j the selected row is off screen (top ${now.top})`);
      assert.ok(now.focused, 'the focus follows the selection, so a screen reader reads the row');
    }
    const chosen = await selection(page);
    assert.equal(await page.locator('.case-row.selected').getAttribute('aria-posinset'), '16');
    // Enter opens it; Esc comes back to the same row, in view, at the same place.
    await page.keyboard.press('Enter');
    await page.getByTestId('image-page').waitFor();
    assert.equal(await page.getByTestId('image-page').getAttribute('data-image'), chosen.image);
    await page.keyboard.press('Escape');
    await page.getByTestId('case-list').waitFor();
    await page.waitForFunction((image) => document.querySelector('.case-row.selected')?.dataset.image === image, chosen.image);
    await page.waitForTimeout(200);
    let back = await selection(page);
    assert.ok(back.inView, 'after Esc the row is in view');
    assert.ok(Math.abs(back.top - chosen.top) <= 2, `after Esc the row is where it was (${back.top} against ${chosen.top})`);
    // j goes on from there, not from the top.
    await page.keyboard.press('j');
    const next = await selection(page);
    assert.equal(await page.locator('.case-row.selected').getAttribute('aria-posinset'), '17');
    assert.ok(next.inView);
    // Enter, then the browser's Back.
    await page.keyboard.press('Enter');
    await page.getByTestId('image-page').waitFor();
    await page.goBack();
    await page.getByTestId('case-list').waitFor();
    await page.waitForFunction((image) => document.querySelector('.case-row.selected')?.dataset.image === image, next.image);
    await page.waitForTimeout(200);
    back = await selection(page);
    assert.ok(back.inView, 'after Back the row is in view');
    // Rows are links: they can be opened in a new tab and reached by Tab.
    const href = await page.locator('.case-row.selected a.case-link').getAttribute('href');
    assert.match(href, new RegExp(`page=image.*image=${next.image}`));
    await page.screenshot({ path: path.join(artifacts, `access-${size}-triage.png`) });
    assert.deepEqual(problems, []);
    await close();
  });
}

test('the list follows Tab, keeps its row through a resize, and a link or reload selects its image', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases&image=300`);
  await page.waitForFunction(() => document.querySelector('.case-row.selected')?.dataset.image === '300');
  await page.waitForTimeout(200);
  assert.ok((await selection(page)).inView, 'the linked image is selected and in view');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('.case-row.selected')?.dataset.image === '300');
  assert.match(page.url(), /image=300/);
  // Tab moves the focus along the rows (link, copy link, next link…): the selection follows,
  // and j goes on from there.
  const start = Number(await page.locator('.case-row.selected').getAttribute('aria-posinset'));
  for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'case-link');
  assert.equal(Number(await page.locator('.case-row.selected').getAttribute('aria-posinset')), start + 3);
  await page.keyboard.press('j');
  assert.equal(Number(await page.locator('.case-row.selected').getAttribute('aria-posinset')), start + 4);
  // Narrower, rows wrap taller: the selected row stays in the window, with the focus.
  const before = await selection(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForTimeout(400);
  const after = await selection(page);
  assert.equal(after.image, before.image);
  assert.ok(after.inView, `after a resize the selected row is off screen (top ${after.top})`);
  // A pasted page of text in a class box neither floods the message nor widens the page.
  const box = page.getByTestId('filter-real');
  await box.fill('x'.repeat(8000));
  await box.dispatchEvent('change');
  assert.ok((await page.getByTestId('class-message').textContent()).length < 200);
  const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(width[0] <= width[1], `the page scrolls sideways: ${width[0]} in ${width[1]}`);
  assert.deepEqual(problems, []);
  await close();
});

test('an empty filter says so and clears; counts are plural only when they should be', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases&changed=1&labels=0`);
  await page.getByTestId('empty-result').waitFor();
  assert.equal(await page.getByTestId('case-count').textContent(), '0');
  assert.match(await page.locator('.cases .count').textContent(), /^0 images$/);
  assert.match(await page.getByTestId('empty-result').textContent(), /No image matches these filters/);
  await page.getByTestId('clear-filters').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=case-count]')?.textContent === '50,000');
  assert.equal(await page.getByTestId('empty-result').count(), 0);
  assert.doesNotMatch(page.url(), /changed|labels/);
  // Image 1 alone: its original class, under its ReaL labels, with one label.
  await visit(page, '?page=cases&original=65&real=65&labels=1&changed=0');
  const one = Number((await page.getByTestId('case-count').textContent()).replace(/,/g, ''));
  assert.match(await page.locator('.cases .count').textContent(), one === 1 ? /^1 image$/ : /images$/);
  assert.deepEqual(problems, []);
  await close();
});

test('a class name that fits two classes offers both under its box', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases`);
  const box = page.getByTestId('filter-original');
  await box.fill('crane');
  await box.press('Enter');
  await box.dispatchEvent('change');
  const message = page.getByTestId('class-message');
  await message.waitFor();
  assert.match(await message.textContent(), /'crane' fits 2 classes/);
  assert.equal(await page.getByTestId('notices').count(), 0, 'no banner at the top of the page');
  const candidates = page.getByTestId('class-candidate');
  assert.equal(await candidates.count(), 2);
  await candidates.first().click();
  await page.waitForFunction(() => document.querySelector('[data-testid=case-count]')?.textContent === '50');
  assert.match(page.url(), /original=\d+/);
  assert.equal(await message.count(), 0);
  // A name of no class says so, in the same place.
  await box.fill('not a class');
  await box.dispatchEvent('change');
  assert.match(await page.getByTestId('class-message').textContent(), /No class is called 'not a class'/);
  assert.deepEqual(problems, []);
  await close();
});

test('the help is a dialog that takes the focus and gives it back', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases`);
  await page.getByTestId('case-row').first().waitFor();
  await page.getByTestId('key-help-open').focus();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'key-help-close');
  // Keys do not reach the list behind it.
  await page.keyboard.press('j');
  assert.equal(await page.locator('.case-row.selected').getAttribute('aria-posinset'), '1');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'key-help-open');
  assert.deepEqual(problems, []);
  await close();
});

test('confidence is in the rows when the file has scores, and its absence is explained', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await give(page, LOGITS);
  await visit(page, '?page=cases');
  const first = page.getByTestId('case-confidence').first();
  await first.waitFor();
  // A logits file's rows are kept as softmax probabilities: a confidence, not a raw score.
  assert.match(await first.textContent(), /^confidence [01]\.\d\d · lead [01]\.\d\d$/);
  assert.equal(await page.getByTestId('sort-why').count(), 0);
  await close();

  const top1 = await openPage(ctx.base);
  await give(top1.page, TOP1);
  await visit(top1.page, '?page=cases');
  assert.equal(await top1.page.getByTestId('case-confidence').count(), 0);
  assert.match(await top1.page.getByTestId('sort-why').textContent(), /classes only, no scores/);
  assert.equal(await top1.page.locator('option[value=confidence]').isDisabled(), true);
  assert.deepEqual([...problems, ...top1.problems], []);
  await top1.close();
});

test('a file covering part of the images says so beside the headline', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  // The first 20,000 images of a top-1 file, keyed by file name.
  const top1 = JSON.parse(await readFile(path.join(golden, TOP1), 'utf8'));
  const keyed = Object.fromEntries(top1.slice(0, 20_000).map((c, i) => [`ILSVRC2012_val_${String(i + 1).padStart(8, '0')}.JPEG`, c]));
  const partial = Buffer.from(JSON.stringify(keyed));
  await page.getByTestId('predictions-input').setInputFiles({ name: 'partial.json', mimeType: 'application/json', buffer: partial });
  await page.getByTestId('real-top1').waitFor({ timeout: 60_000 });
  const qualifier = page.getByTestId('headline-qualifier');
  await qualifier.waitFor();
  assert.match(await qualifier.textContent(), /covers 20,000 of the 50,000 images/);
  // Between the headline and the rest: the first thing after the figures.
  const next = await page.evaluate(() => document.querySelector('.headline').nextElementSibling?.dataset.testid);
  assert.equal(next, 'headline-qualifier');
  assert.deepEqual(problems, []);
  await close();
});
