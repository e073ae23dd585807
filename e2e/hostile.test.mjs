// End-to-end: every file of the hostile corpus (tools/hostile/make_corpus.py, written to
// target/hostile by `make golden`) given to the page as a user would, after a good model.
// Each must end in its expected one-line error (or result), and the model loaded before must
// stay as it was. FIFOs and devices are left out: a browser cannot be given one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { setUp, openPage, root } from './harness.mjs';

setUp();

const corpus = process.env.HOSTILE_DIR ?? path.join(root, 'target', 'hostile');
const manifest = JSON.parse(await readFile(path.join(corpus, 'manifest.json'), 'utf8'));
const CONTROL = 'npy_big_endian_ok.npy';

/** Where each role's files go in, and where its error shows. */
const ROLES = {
  predictions: { input: 'predictions-input', error: 'load-error' },
  labels: { input: 'labels-input', error: 'labels-error' },
  scores: { input: 'evidence-input', error: 'evidence-error' },
  relabeling: { input: 'relabelings-input', error: 'relabelings-error' },
};

test('the hostile corpus: each file gives its expected error or result, and keeps what was loaded', async () => {
  const { page, problems, close } = await openPage();
  await page.getByTestId('dataset-facts').waitFor();
  await page.getByTestId('predictions-input').setInputFiles(path.join(corpus, CONTROL));
  await page.getByTestId('real-top1').waitFor({ timeout: 60_000 });
  const before = await page.getByTestId('original-top1').textContent();
  assert.equal(before, '100.00%');
  const failures = [];
  let given = 0;
  const only = process.env.HOSTILE_ONLY ? new RegExp(process.env.HOSTILE_ONLY) : null;
  for (const c of manifest.filter((c) => !c.cli_only && (!only || only.test(c.name)))) {
    given += 1;
    const role = ROLES[c.role];
    const file = path.join(corpus, c.name);
    const started = Date.now();
    await page.getByTestId(role.input).setInputFiles(file);
    let outcome;
    if (c.expect === 'error') {
      // Each error names its file, so the wait ends on this file's error, not the last one's.
      try {
        const handle = await page.waitForFunction(([id, name]) => {
          const text = document.querySelector(`[data-testid=${id}]`)?.textContent ?? '';
          return text.includes(name) && text;
        }, [role.error, c.name], { timeout: 30_000 });
        outcome = (await handle.jsonValue()).trim();
      } catch {
        const shown = await page.getByTestId(role.error).textContent().catch(() => 'nothing');
        failures.push(`${c.name}: no error naming the file (${c.why}); shown: ${shown}`);
        continue;
      }
      if (outcome.includes('\n') || outcome.length > 400) failures.push(`${c.name}: the error is not one short line: ${JSON.stringify(outcome.slice(0, 120))}`);
      for (const want of c.says) {
        if (!outcome.toLowerCase().includes(want.toLowerCase())) failures.push(`${c.name}: the error lacks ${JSON.stringify(want)}: ${outcome}`);
      }
    } else {
      const want = `${c.top1.original.toFixed(2)}%`;
      try {
        // The model now on screen is this file's (a model is named by its file's stem).
        const stem = c.name.replace(/\.[^.]*$/, '');
        await page.waitForFunction(([w, stem]) => document.querySelector('[data-testid=original-top1]')?.textContent === w
          && document.querySelector('.model-item.on-screen')?.dataset.model?.startsWith(stem), [want, stem], { timeout: 60_000 });
      } catch {
        failures.push(`${c.name}: original top-1 is ${await page.getByTestId('original-top1').textContent()}, expected ${want}`);
        continue;
      }
      const warnings = await page.evaluate(() => document.querySelector('[data-testid=warnings]')?.textContent ?? '');
      for (const want of c.says) {
        if (!warnings.toLowerCase().includes(want.toLowerCase())) failures.push(`${c.name}: the warnings lack ${JSON.stringify(want)}: ${warnings.slice(0, 200)}`);
      }
      outcome = `ok ${want}`;
    }
    process.stderr.write(`# ${c.name.padEnd(32)} ${String(Date.now() - started).padStart(6)} ms  ${outcome.slice(0, 110)}\n`);
    // What was loaded before is still shown and usable.
    if (c.expect === 'error' && c.role === 'predictions') {
      const now = await page.getByTestId('original-top1').textContent();
      if (now !== before && !manifest.some((m) => m.expect === 'ok' && `${m.top1.original.toFixed(2)}%` === now)) {
        failures.push(`${c.name}: the figures loaded before changed to ${now}`);
      }
    }
  }
  if (!only) assert.ok(given >= 50, `only ${given} files given`);
  assert.deepEqual(failures, []);
  assert.deepEqual(problems, []);
  await close();
});
