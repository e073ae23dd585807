// Workspace benchmark: 20 models of 50,000 × top-5 and two label files loaded at once in the
// built page (dist/), in headless Chromium. Prints medians; asserts nothing.
//   node e2e/bench_workspace.mjs MODEL.npy LABELS.json...   (make bench-page passes them)
// Times: switching the model on screen (overview and case list), switching the label sets of
// the split, the leaderboard of 20 models × 4 label sets (first and cached), and reports the
// memory each model's predictions hold.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { evidence, serveDist, launchBrowser } from './bench_setup.mjs';

const root = path.resolve(import.meta.dirname, '..');
const [modelFile, ...labelFiles] = process.argv.slice(2);
const MODELS = 20;
const runs = Number(process.env.RUNS ?? 5);

// 20 distinct files: the same top-5 rows, each with a different share of rows rotated, so the
// models differ and every cache entry is real work.
const work = path.join(root, 'target', 'bench', 'workspace');
await mkdir(work, { recursive: true });
const source = await readFile(modelFile);
const headerLength = 10 + source.readUInt16LE(8);
const files = [];
for (let m = 0; m < MODELS; m++) {
  const bytes = Buffer.from(source);
  const rows = new Int16Array(bytes.buffer, bytes.byteOffset + headerLength, (bytes.length - headerLength) / 2);
  for (let r = m; r < rows.length / 5; r += 7 + m) {
    const row = rows.subarray(r * 5, r * 5 + 5);
    const first = row[0];
    row.copyWithin(0, 1);
    row[4] = first;
  }
  const file = path.join(work, `model_${String(m + 1).padStart(2, '0')}.npy`);
  await writeFile(file, bytes);
  files.push(file);
}

const { server, base } = await serveDist();
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
await page.goto(base);
await page.getByTestId('nav').waitFor();
for (const [i, file] of files.entries()) {
  await page.getByTestId('predictions-input').setInputFiles(file);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=model-item]').length === n, i + 1, { timeout: 120_000 });
}
await page.getByTestId('labels-input').setInputFiles(labelFiles);
await page.waitForFunction((n) => document.querySelectorAll('[data-testid=label-item]').length === n, 2 + labelFiles.length);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Time from `act` (run in the page) until the first frame at which `done` (a predicate in
 * the page) holds, in ms; includes waiting for that frame (up to 16 ms). */
async function time(act, done, arg) {
  return page.evaluate(async ([act, done, arg]) => {
    const started = performance.now();
    new Function('arg', act)(arg);
    const check = new Function('arg', done);
    // The next frame at the earliest: what a person sees is what has been painted.
    do await new Promise((r) => requestAnimationFrame(r)); while (!check(arg));
    return performance.now() - started;
  }, [act, done, arg]);
}
const click = (selector) => `document.querySelector(${JSON.stringify(selector)}).click()`;
const report = [];

// The overview: switch the model on screen.
const overview = [];
for (let i = 0; i < runs; i++) {
  const name = `model_${String((i % MODELS) + 1).padStart(2, '0')}.npy`;
  overview.push(await time(click(`[data-testid=model-item][data-model="${name}"] .model-name`),
    `return document.querySelector('[data-testid=model-on-screen]')?.textContent.startsWith(arg)`, name));
}
report.push(['switch model, overview', median(overview)]);

// The overview: switch the label sets of the split.
const sets = [];
for (let i = 0; i < runs; i++) {
  // Alternate between two loaded label files, each split against the original labels.
  const key = labelFiles.map((f) => path.basename(f, '.json'))[i % 2].replace(/^real$/, 'real-2');
  sets.push(await time(`const s = document.querySelector('[data-testid=split-first]'); s.value = arg; s.dispatchEvent(new Event('change', { bubbles: true }))`,
    `return document.querySelector('[data-testid=label-sets-panel] .split h3')?.textContent.includes('which of ' + arg + ' and')`, key));
}
report.push(['switch label set, overview', median(sets)]);

// The case list, filtered by outcome: switch the model it shows.
await page.locator('nav a', { hasText: 'Cases' }).click();
await page.getByTestId('filter-outcome').selectOption('real-only');
await page.getByTestId('case-list').waitFor();
const cases = [];
for (let i = 0; i < runs; i++) {
  const name = `model_${String(((i + 3) % MODELS) + 1).padStart(2, '0')}.npy`;
  cases.push(await time(`const s = document.querySelector('[data-testid=filter-model]'); s.value = arg; s.dispatchEvent(new Event('change', { bubbles: true }))`,
    `return new URLSearchParams(location.search).get('model') === arg && document.querySelector('[data-testid=case-row]')`, name));
}
report.push(['switch model, case list (outcome filter)', median(cases)]);

// The leaderboard of 20 models × every label set: first (figures computed) and again (cached).
const first = await time(click('nav a[href*="page=leaderboard"]'),
  `return document.querySelectorAll('[data-testid=leaderboard-row]').length === ${MODELS}`);
report.push(['leaderboard, first', first]);
const again = [];
for (let i = 0; i < runs; i++) {
  await page.locator('nav a', { hasText: 'Overview' }).click();
  await page.getByTestId('workspace').waitFor();
  again.push(await time(click('nav a[href*="page=leaderboard"]'),
    `return document.querySelectorAll('[data-testid=leaderboard-row]').length === ${MODELS}`));
}
report.push(['leaderboard, again', median(again)]);

await page.locator('nav a', { hasText: 'Overview' }).click();
const bytes = await page.getByTestId('model-item').first().getAttribute('data-bytes');

// The ReaL threshold moved one step, with the 20 models loaded: the headline and the plot on
// the overview, and the leaderboard of every model (each model's ranks under the new set).
if (existsSync(path.join(evidence, 'raters.npz'))) {
  await page.evaluate((url) => {
    const u = new URL(location.href);
    u.searchParams.set('evidence', url);
    history.replaceState(null, '', u);
    dispatchEvent(new PopStateEvent('popstate'));
  }, `${base}evidence/`);
  await page.getByTestId('evidence-load').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=evidence-state]')?.textContent.includes('Votes: published'), null, { timeout: 120_000 });
  const step = (t) => `const s = document.querySelector('[data-testid=threshold]'); s.value = ${JSON.stringify(t)}; s.dispatchEvent(new Event('input', { bubbles: true }))`;
  const shows = (t) => `return document.querySelector('[data-testid=threshold-value]')?.textContent === ${JSON.stringify(t)} && document.querySelector('.figure-label')?.textContent.includes(${JSON.stringify(t === '0.80' ? 'ReaL top-1' : `ReaL@${t}`)})`;
  const moves = [];
  for (let i = 0; i < runs; i++) {
    const t = (0.81 + 0.01 * i).toFixed(2);
    moves.push(await time(step(t), shows(t)));
  }
  report.push(['threshold one step, overview', median(moves)]);
  await page.locator('nav a', { hasText: 'Leaderboard' }).click();
  await page.getByTestId('leaderboard').waitFor();
  const board = [];
  for (let i = 0; i < runs; i++) {
    const t = (0.90 + 0.01 * i).toFixed(2);
    board.push(await time(step(t),
      `return document.querySelector('[data-testid=threshold-value]')?.textContent === ${JSON.stringify(t)} && document.querySelector('[data-testid=leaderboard]')?.textContent.includes(${JSON.stringify(`ReaL@${t}`)})`));
  }
  report.push(['threshold one step, leaderboard', median(board)]);
  await page.locator('nav a', { hasText: 'Overview' }).click();
} else {
  console.log('threshold: skipped (../shared/data/reassessed-imagenet is absent)');
}
for (const [what, ms] of report) console.log(`${what.padEnd(44)} ${ms.toFixed(0).padStart(5)} ms (${MODELS} models, ${2 + labelFiles.length} label sets, median of ${runs})`);
console.log(`memory per model (50,000 × top-5 predictions and image index) ${(Number(bytes) / 1e6).toFixed(2)} MB`);
await browser.close();
server.close();
