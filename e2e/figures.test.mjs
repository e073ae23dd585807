// End-to-end: the overview's same-denominator figure and the reliability diagrams, against the
// numpy reference (tools/reference/golden.py writes expected.json, golden_calibration.py the
// ECE of each file with scores).
//   node --test e2e/figures.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, ctx, pct, count, openPage as open, golden, artifacts } from './harness.mjs';

setUp();

async function openWith(name, viewport) {
  const { page, problems, close } = await open();
  if (viewport) await page.setViewportSize(viewport);
  await page.getByTestId('dataset-facts').waitFor();
  await page.getByTestId('predictions-input').setInputFiles(path.join(golden, name));
  await page.getByTestId('real-top1').waitFor({ timeout: 90_000 });
  return { page, problems, close };
}

/** An ECE as the page prints it ("3.21%") against the reference fraction: equal to the
 * printed precision, give or take the last digit's rounding. */
async function assertEce(page, testid, want) {
  const text = await page.getByTestId(testid).textContent();
  const got = Number.parseFloat(text);
  assert.match(text, /^\d+\.\d\d%$/);
  assert.ok(Math.abs(got - 100 * want) <= 0.006, `${testid}: ${text} against ${100 * want}`);
}

for (const name of ['tfslim.npz', 'logits_f32.npy']) {
  test(`${name}: original top-1 on ReaL's images and the reliability diagrams match the reference`, async () => {
    const want = ctx.expected[name];
    assert.ok(want.calibration, `expected.json has no calibration for ${name}`);
    const { page, problems, close } = await openWith(name);
    const figure = page.getByTestId('original-top1-scored');
    assert.equal(await figure.textContent(), pct(want.original_top1_on_scored));
    const box = figure.locator('xpath=..');
    assert.equal(await box.locator('.figure-label').textContent(), `Original top-1 on the ${count(want.scored)} images ReaL scores`);
    assert.match(await box.locator('.figure-detail').textContent(), new RegExp(`^${count(want.original_top1_on_scored_correct)} correct of ${count(want.scored)} scored images`));
    // The all-images figure stays beside it.
    assert.equal(await page.getByTestId('original-top1').textContent(), pct(want.original_top1));

    const diagram = page.getByTestId('reliability');
    await diagram.waitFor();
    await assertEce(page, 'ece-real', want.calibration.ece_real);
    await assertEce(page, 'ece-original', want.calibration.ece_original);
    assert.match(await page.getByTestId('reliability-real').textContent(), new RegExp(`over ${count(want.calibration.real_images)} images it scores`));
    assert.match(await page.getByTestId('reliability-original').textContent(), new RegExp(`over ${count(want.calibration.original_images)} images`));
    // Two labelled images, bars with their counts, and the bins as a table.
    const plots = diagram.locator('svg[role=img]');
    assert.equal(await plots.count(), 2);
    for (const label of await plots.evaluateAll((all) => all.map((s) => s.getAttribute('aria-label')))) {
      assert.match(label, /^Reliability diagram under .+: ECE \d+\.\d\d%/);
    }
    assert.ok(await diagram.locator('rect.accuracy-bar title').count() > 0);
    // Each bar rises from 0 to its bin's accuracy (as its title says) on the drawn scale.
    const bars = await diagram.locator('svg[role=img]').evaluateAll((svgs) => svgs.flatMap((svg) => {
      const area = svg.querySelector('rect.area').getBoundingClientRect();
      return [...svg.querySelectorAll('rect.accuracy-bar')].map((bar) => {
        const box = bar.getBoundingClientRect();
        const accuracy = Number(/top-1 right ([\d.]+)%/.exec(bar.querySelector('title').textContent)[1]) / 100;
        return { bottom: (area.bottom - box.bottom) / area.height, height: box.height / area.height, accuracy };
      });
    }));
    assert.ok(bars.length > 0);
    for (const b of bars) {
      assert.ok(Math.abs(b.bottom) < 0.01 && Math.abs(b.height - b.accuracy) < 0.02, JSON.stringify(b));
    }
    const rows = diagram.locator('[data-testid=reliability-table] tbody tr');
    assert.ok(await rows.count() > 0);
    // The table's image counts add up to each diagram's images.
    const sums = await rows.evaluateAll((all) => all.reduce((s, r) => {
      const cells = [...r.querySelectorAll('td')].map((c) => Number(c.textContent.replaceAll(',', '')));
      return [s[0] + cells[0], s[1] + cells[3]];
    }, [0, 0]));
    assert.deepEqual(sums, [want.calibration.real_images, want.calibration.original_images]);
    await page.screenshot({ path: path.join(artifacts, `figures-${name}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await close();
  });
}

test('files without probabilities say why there is no calibration', async () => {
  for (const [name, why] of [
    ['top5_i2_be_imagefolder.npy', 'This file has class indices only, no scores: no calibration.'],
    ['timm_top5.csv', /scores are not probabilities .* no calibration\.$/],
  ]) {
    const want = ctx.expected[name];
    const { page, problems, close } = await openWith(name);
    assert.equal(await page.getByTestId('original-top1-scored').textContent(), pct(want.original_top1_on_scored));
    const absent = (await page.getByTestId('reliability-absent').textContent()).replace(/^ — /, '');
    if (typeof why === 'string') assert.equal(absent, why);
    else assert.match(absent, why);
    assert.equal(await page.getByTestId('reliability').locator('svg').count(), 0);
    assert.deepEqual(problems, []);
    await close();
  }
});

test('the diagrams stack on a phone and the figures stay readable', async () => {
  const { page, problems, close } = await openWith('tfslim.npz', { width: 390, height: 844 });
  const panels = page.getByTestId('reliability').locator('.reliability-panel');
  await panels.first().waitFor();
  const [a, b] = await panels.evaluateAll((all) => all.map((p) => p.getBoundingClientRect().toJSON()));
  assert.ok(b.top >= a.bottom - 1, 'the second diagram is below the first');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page scrolls sideways: ${width}px`);
  await page.screenshot({ path: path.join(artifacts, 'figures-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await close();
});
