// End-to-end: the raters' evidence and other relabelings in headless Chromium, served from the
// page's own origin (no test reaches the internet), checked against numpy
// (tools/reference/golden_evidence.py writes target/golden/evidence/expected.json, golden.py
// target/golden/relabel/expected.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setUp, ctx, pct, openPage, shot, golden, publishedEvidence, syntheticEvidence } from './harness.mjs';

setUp();

const MODEL = path.join(golden, 'labels', 'model_a.npy');
const hasPublished = existsSync(path.join(publishedEvidence, 'raters.npz'));

async function expected(kind) {
  return JSON.parse(await readFile(path.join(golden, kind, 'expected.json'), 'utf8'));
}

async function giveModel(page) {
  await page.getByTestId('predictions-input').setInputFiles(MODEL);
  await page.getByTestId('real-top1').waitFor({ timeout: 60_000 });
}

async function realTop1(page) {
  return (await page.getByTestId('real-top1').textContent()).trim();
}

/** Moves the slider as a user would, and waits for the page to follow. */
async function setThreshold(page, value) {
  await page.getByTestId('threshold').fill(String(value));
  await page.waitForFunction((v) => document.querySelector('[data-testid=threshold-value]')?.textContent === v,
    Number(value).toFixed(2));
}

/** The candidate rows of the image page on screen: label, score text, votes text. */
async function candidates(page) {
  return page.getByTestId('candidate-row').evaluateAll((rows) => rows.map((r) => [
    Number(r.dataset.label),
    r.querySelector('[data-testid=candidate-score]').textContent,
    r.querySelector('[data-testid=candidate-votes]').textContent,
  ]));
}

/** What the page shows for numpy's candidates: best first (numpy's rows are by label), each
 * score to three decimals, the votes as no/maybe/yes. */
function wantCandidates(rows) {
  return [...rows].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([label, score, v]) => [label, score.toFixed(3), v.join('/')]);
}

test('published rater files: ReaL rebuilt at every threshold, evidence per image, kept for the next visit', { skip: !hasPublished && 'skipped: ../shared/data/reassessed-imagenet is absent on this checkout' }, async () => {
  const want = (await expected('evidence')).published;
  const base = `${ctx.base}evidence/published/`;
  const { page, problems, close } = await openPage(`${ctx.base}?evidence=${encodeURIComponent(base)}`);
  const fetched = [];
  page.on('request', (r) => { if (r.url().includes('/evidence/')) fetched.push(r.url()); });
  await giveModel(page);
  assert.equal(await realTop1(page), pct(want.figures['0.80'].top1), 'ReaL top-1 before the evidence');
  assert.ok(await page.getByTestId('threshold').isDisabled(), 'the slider waits for the evidence');

  const started = Date.now();
  await page.getByTestId('evidence-load').click();
  await page.getByTestId('evidence-state').filter({ hasText: '184,962 candidate labels' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('evidence-state').filter({ hasText: 'Votes: published, checked' }).waitFor({ timeout: 60_000 });
  console.log(`published rater files to evidence ready: ${Date.now() - started} ms`);
  assert.deepEqual(fetched.map((u) => u.split('/').pop()).sort(), ['raters.npz', 'scores.npz']);
  assert.equal(await page.getByTestId('evidence-error').count(), 0);

  // At 0.80 nothing changes; at every other threshold the figures are numpy's.
  assert.equal(await realTop1(page), pct(want.figures['0.80'].top1));
  for (const t of ['0.90', '0.55', '0.99', '0.73', '0.80']) {
    await setThreshold(page, t);
    await page.waitForFunction((v) => document.querySelector('[data-testid=real-top1]')?.textContent.trim() === v,
      pct(want.figures[t].top1), { timeout: 10_000 });
    assert.equal(await page.getByTestId('excluded-count').textContent(), want.figures[t].excluded.toLocaleString('en-US'), `excluded at ${t}`);
  }
  await setThreshold(page, '0.90');
  assert.match(page.url(), /[?&]t=0\.90/);
  assert.match(await page.locator('.figure-label').first().textContent(), /ReaL@0\.90/);
  await page.getByTestId('threshold-plot').waitFor();
  await shot(page, 'evidence-threshold.png');

  // An image's evidence against numpy: scores to three decimals and no/maybe/yes votes.
  for (const [file, rows] of Object.entries(want.candidates).slice(0, 4)) {
    const number = Number(file.slice(15, 23));
    await page.evaluate((n) => {
      const url = new URL(location.href);
      url.searchParams.set('page', 'image');
      url.searchParams.set('image', n);
      history.pushState(null, '', url);
      dispatchEvent(new PopStateEvent('popstate'));
    }, number);
    await page.getByTestId('candidate-row').first().waitFor();
    assert.deepEqual(await candidates(page), wantCandidates(rows), file);
  }
  await shot(page, 'evidence-image.png');
  // An image never rated says so.
  await page.evaluate((n) => {
    const url = new URL(location.href);
    url.searchParams.set('image', n);
    history.pushState(null, '', url);
    dispatchEvent(new PopStateEvent('popstate'));
  }, want.unrated);
  await page.getByTestId('evidence-unrated').waitFor();
  assert.equal(await page.getByTestId('evidence-unrated').textContent(), 'not rated — ReaL keeps the original label');

  // A reload brings the evidence back from the browser's storage, with no download.
  fetched.length = 0;
  await page.goto(`${ctx.base}?t=0.90`);
  await page.getByTestId('real-top1').waitFor({ timeout: 60_000 });
  await page.getByTestId('evidence-state').filter({ hasText: '184,962 candidate labels' }).waitFor({ timeout: 30_000 });
  await page.waitForFunction((v) => document.querySelector('[data-testid=real-top1]')?.textContent.trim() === v,
    pct(want.figures['0.90'].top1), { timeout: 10_000 });
  assert.deepEqual(fetched, [], 'nothing downloaded again');
  // The contested images at 0.90, as numpy counts them over the published files.
  await page.goto(`${ctx.base}?page=cases&contested=1&sort=contested&t=0.90`);
  await page.getByTestId('case-count').filter({ hasText: want.contested['0.90'].toLocaleString('en-US') }).waitFor({ timeout: 30_000 });
  assert.deepEqual(problems, []);
  await close();
});

test('rater files given by the user, one by one; the wrong files are refused and lose nothing', async () => {
  const want = (await expected('evidence')).synthetic;
  const { page, problems, close } = await openPage(`${ctx.base}?t=0.73&evidence=${encodeURIComponent(`${ctx.base}evidence/synthetic/`)}`);
  await giveModel(page);
  assert.match(await page.locator('.threshold .note').textContent(), /asks for ReaL at 0\.73/);
  // Downloaded files must be the published ones: these are not.
  await page.getByTestId('evidence-load').click();
  await page.getByTestId('evidence-error').filter({ hasText: 'is not the published file' }).waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('evidence-state').textContent(), /^Not loaded/);
  // golden.npz has the layout but not the content.
  await page.getByTestId('evidence-input').setInputFiles(path.join(syntheticEvidence, 'golden.npz'));
  await page.getByTestId('evidence-error').filter({ hasText: 'golden' }).waitFor();
  // raters.npz first waits for its scores; then scores.npz.
  await page.getByTestId('evidence-input').setInputFiles(path.join(syntheticEvidence, 'raters.npz'));
  // Dropped where predictions go, the scores are still read as rater evidence.
  await page.getByTestId('predictions-input').setInputFiles(path.join(syntheticEvidence, 'scores.npz'));
  await page.getByTestId('evidence-state').filter({ hasText: 'Votes: your file' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('evidence-error').count(), 0, 'a good load clears the error');
  // The link's threshold applies as soon as there is evidence.
  await page.waitForFunction((v) => document.querySelector('[data-testid=real-top1]')?.textContent.trim() === v,
    pct(want.figures['0.73'].top1), { timeout: 10_000 });
  await setThreshold(page, '0.99');
  await page.waitForFunction((v) => document.querySelector('[data-testid=real-top1]')?.textContent.trim() === v,
    pct(want.figures['0.99'].top1), { timeout: 10_000 });
  const [file, rows] = Object.entries(want.candidates)[0];
  await page.goto(`${ctx.base}?page=image&image=${Number(file.slice(15, 23))}&t=0.99`);
  await page.getByTestId('candidate-row').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(await candidates(page), wantCandidates(rows));
  // The contested filter selects only rated images.
  await page.goto(`${ctx.base}?page=cases&contested=1&sort=contested`);
  // The kept evidence comes back from storage a moment after the page opens.
  await page.waitForFunction(() => /[1-9]/.test(document.querySelector('[data-testid=case-count]')?.textContent ?? ''), null, { timeout: 30_000 });
  const shown = Number((await page.getByTestId('case-count').textContent()).replace(/[^0-9]/g, ''));
  assert.equal(shown, want.contested['0.80'], 'contested images at 0.80, as numpy counts them');
  assert.deepEqual(problems, []);
  await close();
});

test('other relabelings: crowd votes and another model\'s mistakes on the image page, the crowd label set scored', async () => {
  const want = await expected('relabel');
  const { page, problems, close } = await openPage(ctx.base);
  await giveModel(page);
  await page.getByTestId('relabelings-input').setInputFiles([
    path.join(golden, 'relabel', 'imagenet_mturk.json'),
    path.join(golden, 'relabel', 'vit3b_mistakes.json'),
  ]);
  await page.getByTestId('relabelings-state').filter({ hasText: 'mistakes of ViT-3B' }).waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=label-set-row][data-labels="crowd"]').waitFor();
  const top1 = await page.locator('[data-testid=label-set-row][data-labels="crowd"] [data-testid=label-set-top1]').textContent();
  assert.ok(top1.startsWith(pct(want.crowd.top1)), `crowd: ${top1} vs ${pct(want.crowd.top1)}`);
  for (const [id, v] of Object.entries(want.votes).slice(0, 3)) {
    await page.goto(`${ctx.base}?page=image&image=${id}`);
    await page.getByTestId('mturk-votes').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('mturk-votes').textContent(),
      `given ${v.given} · guessed ${v.guessed} · both ${v.both} · neither ${v.neither}`);
  }
  const [id, [, category, severity]] = Object.entries(want.mistakes)[0];
  await page.goto(`${ctx.base}?page=image&image=${id}`);
  await page.getByTestId('image-mistake').waitFor({ timeout: 30_000 });
  assert.match((await page.getByTestId('image-mistake').textContent()).toLowerCase(), new RegExp(severity));
  // The crowd filter selects exactly the images the crowd rejects.
  await page.goto(`${ctx.base}?page=cases&crowd=rejected`);
  await page.getByTestId('case-count').filter({ hasText: want.rejected.length.toLocaleString('en-US') }).waitFor({ timeout: 30_000 });
  await page.goto(`${ctx.base}?page=cases&mistake=${category}`);
  await page.waitForFunction(() => /[1-9]/.test(document.querySelector('[data-testid=case-count]')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.deepEqual(problems, []);
  await close();
});
