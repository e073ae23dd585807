// End-to-end: the page under its Content-Security-Policy, and what a `?predictions=` link may
// make it download. (Every test in every file also fails on a policy violation: harness.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, ctx, pct, openPage, golden, violations } from './harness.mjs';

setUp();

const link = (url) => `${ctx.base}?predictions=${encodeURIComponent(url)}`;

test('the page runs under its Content-Security-Policy with no violation', async () => {
  const { page, problems, close } = await openPage();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]{43}='; /);
  assert.doesNotMatch(policy, /unsafe-inline|\{\{|worker-src[^;]*blob:/);
  await page.getByTestId('dataset-facts').waitFor();
  // A load in the worker, its figures (bars sized through the CSSOM), then the virtual list.
  await page.getByTestId('predictions-input').setInputFiles(path.join(golden, 'top5_i2_be_imagefolder.npy'));
  await page.getByTestId('real-top1').waitFor();
  assert.match(await page.locator('.results h2 .sub').textContent(), /evaluated in a worker/);
  assert.notEqual(await page.locator('a.segment').first().evaluate((e) => e.style.width), '');
  await page.goto(`${ctx.base}?page=cases`);
  await page.getByTestId('case-count').waitFor();
  assert.deepEqual(violations, []);
  assert.deepEqual(problems, []);
  await close();
});

test('a link to http elsewhere, data:, blob: or javascript: is refused with what is accepted', async () => {
  const context = await ctx.browser.newContext();
  const asked = [];
  context.on('request', (r) => { if (!r.url().startsWith(ctx.base)) asked.push(r.url()); });
  const page = await context.newPage();
  // http elsewhere passes for a URL in the link, and the page refuses it before any request.
  await page.goto(link('http://example.org/top1.json'));
  const error = page.getByTestId('load-error');
  await error.waitFor();
  assert.match(await error.textContent(), /^http:\/\/example\.org\/top1\.json could not be read\. only https:\/\/ addresses and this page's own site \(http:\/\/127\.0\.0\.1:\d+\) are accepted in a link, and http:\/\/example\.org\/top1\.json is neither$/);
  // Other schemes are not URLs a link may carry at all.
  for (const url of ['data:application/json,[65]', `blob:${ctx.base}0b1c2d3e-0000-4000-8000-000000000000`, 'javascript:alert(1)', 'file:///etc/passwd']) {
    await page.goto(link(url));
    const notice = page.getByTestId('notices');
    await notice.waitFor();
    // The notice quotes at most 60 characters of the value.
    const quoted = url.length > 60 ? `${url.slice(0, 60)}…` : url;
    assert.ok((await notice.textContent()).includes(`'predictions=${quoted}' was not understood: expected an https:// URL, or one on the page's own site`), url);
    assert.equal(await page.getByTestId('load-error').count(), 0);
    assert.equal(await page.getByTestId('link-progress').count(), 0);
  }
  assert.deepEqual(asked, [], 'nothing was requested from elsewhere');
  await context.close();
});

test('a link to a file larger than the cap is refused on its announced size', async () => {
  const { page, problems, close } = await openPage(link(`${ctx.base}huge/top1.json`));
  const error = page.getByTestId('load-error');
  await error.waitFor();
  assert.match(await error.textContent(), /top1\.json could not be read\. it is 2147\.5 MB, more than the 1 GiB the page accepts/);
  assert.equal(await page.getByTestId('real-top1').count(), 0);
  // The page hung up rather than take the body.
  await waitUntil(() => ctx.cutOff.includes('/huge/top1.json'));
  assert.deepEqual(problems, []);
  await close();
});

test('a slow link download shows its progress and a cancel that keeps what was loaded before', async () => {
  // A first visit loads a model, which the page keeps; the second comes by a link.
  const first = await openPage();
  await first.page.getByTestId('predictions-input').setInputFiles(path.join(golden, 'top1.json'));
  await first.page.getByTestId('real-top1').waitFor();
  const want = pct(ctx.expected['top1.json'].real_top1);
  const { page, problems } = first;
  // Saving is asynchronous: leave only once the model is in the browser's storage.
  await page.waitForFunction(() => new Promise((done) => {
    const open = indexedDB.open('real-explorer-workspace');
    open.onsuccess = () => {
      const db = open.result;
      const count = db.transaction('models').objectStore('models').count();
      count.onsuccess = () => { db.close(); done(count.result > 0); };
      count.onerror = () => { db.close(); done(false); };
    };
    open.onerror = () => done(false);
  }), null, { timeout: 30_000 });
  await page.goto(link(`${ctx.base}slow/timm_top5.csv`));
  const progress = page.getByTestId('link-progress');
  await progress.filter({ hasText: /downloading timm_top5\.csv… 1\.0 MB of 12\.1 MB/ }).waitFor();
  // The kept model is restored while the link's download hangs.
  await page.getByTestId('real-top1').filter({ hasText: want }).waitFor({ timeout: 30_000 });
  await page.getByTestId('link-cancel').click();
  await progress.waitFor({ state: 'detached' });
  await waitUntil(() => ctx.cutOff.includes('/slow/timm_top5.csv'));
  assert.equal(await page.getByTestId('load-error').count(), 0, 'a cancel is no error');
  assert.equal(await page.getByTestId('real-top1').textContent(), want);
  assert.deepEqual(await page.locator('[data-testid=model-item]').evaluateAll((items) => items.map((i) => i.dataset.model)), ['top1.json']);
  assert.deepEqual(problems, []);
  await first.close();
});

async function waitUntil(check, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not seen within ${ms} ms: ${check}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
