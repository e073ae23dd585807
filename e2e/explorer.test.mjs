// End-to-end: the explorer pages in headless Chromium, used as a person would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { setUp, ctx, count, openPage, give, shot, root, SUB, golden } from './harness.mjs';

setUp();

const LOGITS = 'logits_f32.npy';

test('filter to ReaL only, open a case, share its link with someone who has no file', async () => {
  const { page, problems, close } = await openPage(ctx.base, { permissions: ['clipboard-read', 'clipboard-write'] });
  await give(page, LOGITS);
  const want = ctx.expected[LOGITS];
  await shot(page, 'overview.png');
  // The split's "ReaL only" part opens those cases.
  await page.locator('a.split-link.real-only').click();
  await page.getByTestId('case-list').waitFor();
  assert.equal(await page.getByTestId('case-count').textContent(), count(want.split.real_only));
  assert.match(page.url(), /page=cases&outcome=real-only/);
  const rows = page.getByTestId('case-row');
  await rows.first().waitFor();
  assert.ok((await rows.count()) < 60, 'the list is virtualised');
  await shot(page, 'cases-real-only.png');
  const image = await rows.first().getAttribute('data-image');
  // Every case has its own copy-link control; it copies without opening the case.
  await rows.first().getByTestId('case-copy-link').click();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), new RegExp(`page=image.*image=${image}`));
  assert.equal(await page.getByTestId('image-page').count(), 0);
  await rows.first().click();
  await page.getByTestId('image-page').waitFor();
  assert.equal(await page.getByTestId('image-page').getAttribute('data-image'), image);
  const predictions = await page.getByTestId('prediction-row').count();
  assert.equal(predictions, 5);
  const firstVerdicts = await page.getByTestId('prediction-row').first().textContent();
  assert.match(firstVerdicts, /✓ counts/, 'a ReaL-only case counts under ReaL');
  await shot(page, 'image.png');
  await page.getByTestId('copy-link').click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, await page.getByTestId('share-url').inputValue());
  assert.match(link, new RegExp(`image=${image}`));
  assert.match(link, /model=logits_f32\.npy/);
  assert.deepEqual(problems, []);
  await close();

  // A fresh browser context without the file sees the same case with the model's top-5.
  const fresh = await openPage(link);
  await fresh.page.getByTestId('image-page').waitFor();
  assert.equal(await fresh.page.getByTestId('image-page').getAttribute('data-image'), image);
  assert.equal(await fresh.page.getByTestId('prediction-row').count(), 5);
  assert.match(await fresh.page.locator('.image-facts h3').textContent(), /logits_f32\.npy \(from the link\)/);
  await shot(fresh.page, 'image-from-link.png');
  assert.deepEqual(fresh.problems, []);
  await fresh.close();
});

test('the case list scrolls all 50,000 images with a bounded DOM and answers the keyboard', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases`);
  assert.equal(await page.getByTestId('case-count').textContent(), '50,000');
  // The list scrolls with the page.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=case-row]')].some((r) => Number(r.dataset.image) > 20000));
  assert.ok((await page.getByTestId('case-row').count()) < 60, 'the list is virtualised');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => document.querySelector('[data-testid=case-row]')?.dataset.image === '1');
  // The first j takes up the first row; then j, j, k.
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await page.locator('.case-row.selected').getAttribute('data-image'), '2');
  await page.keyboard.press('?');
  await page.getByTestId('key-help').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('key-help').waitFor({ state: 'detached' });
  await page.keyboard.press('Enter');
  await page.getByTestId('image-page').waitFor();
  assert.equal(await page.getByTestId('image-page').getAttribute('data-image'), '2');
  await page.keyboard.press('j');
  await page.waitForFunction(() => document.querySelector('[data-testid=image-page]')?.dataset.image === '3');
  await page.keyboard.press('Escape');
  await page.getByTestId('case-list').waitFor();
  assert.deepEqual(problems, []);
  await close();
});

test('label filters give the published counts without a model', async () => {
  const { page, close } = await openPage(`${ctx.base}?page=cases&changed=1`);
  assert.equal(await page.getByTestId('case-count').textContent(), '4,673');
  await page.getByTestId('filter-changed').uncheck();
  await page.getByTestId('filter-labels').selectOption('2+');
  await page.waitForFunction(() => document.querySelector('[data-testid=case-count]')?.textContent === '7,443');
  await page.getByTestId('filter-labels').selectOption('0');
  await page.waitForFunction(() => document.querySelector('[data-testid=case-count]')?.textContent === '3,163');
  await close();
});

test('a folder of images shows thumbnails; a reload forgets picked files and shows placeholders', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases`);
  await page.locator('.image-source summary').click();
  await page.getByTestId('images-folder-input').setInputFiles(path.join(root, 'target', 'e2e-images'));
  await page.waitForFunction(() => document.querySelectorAll('img[data-testid=thumb]').length > 3);
  const loaded = await page.locator('img[data-testid=thumb]').first().evaluate((img) => img.decode().then(() => img.naturalWidth));
  assert.equal(loaded, 160);
  await shot(page, 'cases-thumbnails.png');
  await close();

  const second = await openPage(`${ctx.base}?page=multi`);
  await second.page.locator('.image-source summary').click();
  await second.page.getByTestId('images-tar-input').setInputFiles(path.join(root, 'target', 'e2e-images.tar'));
  await second.page.waitForFunction(() => /60 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? ''));
  await second.page.goto(`${ctx.base}?page=cases`);
  // A reload forgets picked files: the placeholder says so.
  await second.page.getByTestId('case-row').first().waitFor();
  assert.equal(await second.page.locator('img[data-testid=thumb]').count(), 0);
  assert.deepEqual(problems, []);
  await second.close();
});

test('the tar source shows images from slices of the file', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases`);
  await page.locator('.image-source summary').click();
  await page.getByTestId('images-tar-input').setInputFiles(path.join(root, 'target', 'e2e-images.tar'));
  await page.waitForFunction(() => document.querySelectorAll('img[data-testid=thumb]').length > 3);
  const width = await page.locator('img[data-testid=thumb]').first().evaluate((img) => img.decode().then(() => img.naturalWidth));
  assert.equal(width, 160);
  assert.deepEqual(problems, []);
  await close();
});

test('the pair page ranks the known near-duplicates first and opens their images', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await give(page, LOGITS);
  await page.getByRole('link', { name: 'Duplicate pairs' }).click();
  const rows = page.getByTestId('pair-row');
  await rows.first().waitFor();
  const top = await rows.evaluateAll((rs) => rs.slice(0, 3).map((r) => r.dataset.pair));
  assert.deepEqual(top, ['836-837', '620-681', '657-744']);
  assert.match(await rows.first().textContent(), /near-duplicate/);
  assert.match(await page.locator('[data-pair="527-664"]').textContent(), /co-occurring/);
  assert.match(await page.getByTestId('pair-tolerant').textContent(), /Pair-tolerant ReaL top-1: \d+\.\d\d%/);
  await shot(page, 'pairs.png');
  await rows.first().locator('a').click();
  await page.getByTestId('case-list').waitFor();
  assert.match(page.url(), /pair=836-837/);
  assert.ok(Number((await page.getByTestId('case-count').textContent()).replace(/,/g, '')) > 150);
  await page.getByRole('link', { name: 'Multi-object' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=case-count]')?.textContent === '7,443');
  await shot(page, 'multi.png');
  assert.deepEqual(problems, []);
  await close();
});

test('links survive a hard reload under a sub-path, and a damaged link opens the nearest view', async () => {
  const sub = `${ctx.base.replace(/\/$/, '')}${SUB}`;
  const { page, problems, close } = await openPage(`${sub}?page=cases&labels=2%2B`);
  assert.equal(await page.getByTestId('case-count').textContent(), '7,443');
  await page.reload();
  await page.getByTestId('case-list').waitFor();
  assert.equal(await page.getByTestId('case-count').textContent(), '7,443');
  await page.goto(`${sub}?page=image&image=99999&outcome=sometimes&original=0`);
  await page.getByTestId('notices').waitFor();
  assert.match(await page.getByTestId('notices').textContent(), /image=99999/);
  assert.equal(await page.getByTestId('case-count').textContent(), '50');
  assert.deepEqual(problems, []);
  await close();
});

test('predictions named by the link load from their URL', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?predictions=${encodeURIComponent(`${ctx.base}files/top1.json`)}`);
  await page.getByTestId('real-top1').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('real-top1').textContent(), `${(100 * ctx.expected['top1.json'].real_top1).toFixed(2)}%`);
  assert.deepEqual(problems, []);
  await close();
});

test('a 200 MB logits file loads in a worker with progress, and a load can be cancelled', async () => {
  const { page, problems, close } = await openPage(ctx.base);
  await page.getByTestId('predictions-input').setInputFiles(path.join(golden, LOGITS));
  const status = page.getByTestId('load-status');
  await status.waitFor();
  await page.getByTestId('cancel-load').click();
  await status.waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('real-top1').count(), 0, 'a cancelled load shows no figures');
  await give(page, LOGITS);
  assert.match(await page.locator('.results h2 .sub').textContent(), /evaluated in a worker in \d+ ms/);
  assert.equal(await page.getByTestId('real-top1').textContent(), `${(100 * ctx.expected[LOGITS].real_top1).toFixed(2)}%`);
  assert.deepEqual(problems, []);
  await close();
});

test('a remembered folder reopens on a later visit; dropped images are used too', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases`);
  const names = ['ILSVRC2012_val_00000001.JPEG', 'ILSVRC2012_val_00000002.JPEG', 'ILSVRC2012_val_00000003.JPEG'];
  const images = await Promise.all(names.map(async (n) => [n, (await readFile(path.join(root, 'target', 'e2e-images', n))).toString('base64')]));
  // A folder in the origin-private file system stands in for one picked with the folder
  // picker (which automation cannot drive); its handle is remembered the way the page does.
  await page.evaluate(async (images) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('val', { create: true });
    for (const [name, b64] of images) {
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await writable.write(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
      await writable.close();
    }
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('real-explorer', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('handles');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    await new Promise((ok, fail) => {
      const t = db.transaction('handles', 'readwrite');
      t.objectStore('handles').put(dir, 'images');
      t.oncomplete = ok;
      t.onerror = () => fail(t.error);
    });
    db.close();
  }, images);
  await page.reload();
  await page.locator('.image-source summary').click();
  await page.getByTestId('reopen-folder').click();
  await page.waitForFunction(() => /folder: 3 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? ''));
  await page.waitForFunction(() => document.querySelectorAll('img[data-testid=thumb]').length === 3);

  // Dropping image files on the images panel uses them.
  await page.reload();
  await page.locator('.image-source summary').click();
  await page.evaluate(async (images) => {
    const transfer = new DataTransfer();
    for (const [name, b64] of images.slice(0, 2)) transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type: 'image/jpeg' }));
    document.querySelector('[data-testid=image-source]').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, images);
  await page.waitForFunction(() => /folder: 2 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? ''));
  assert.deepEqual(problems, []);
  await close();
});
