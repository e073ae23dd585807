// End-to-end: ILSVRC2012_img_val.tar given to the page, indexed in a worker of its own.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile, open, rm, cp } from 'node:fs/promises';
import { setUp, openPage, root, ctx } from './harness.mjs';

setUp();

const images = path.join(root, 'target', 'e2e-images');
const work = path.join(root, 'target', 'e2e-tars');
const tars = {
  // GNU tar: the 60 images in ImageFolder-like folders, some paths past the 100 bytes of a
  // plain header (././@LongLink), beside an annotation file.
  gnu: path.join(work, 'folders-gnu.tar'),
  cut: path.join(work, 'cut.tar'),
  notTar: path.join(work, 'predictions.tar'),
  // 50,000 members with the real tar's names, of 1 KB each, and of ImageNet's sizes (the
  // latter takes a browser tens of seconds: only cancelled here). Written sparse: headers only.
  many: path.join(work, 'val-small.tar'),
  large: path.join(work, 'val-layout.tar'),
};

/** A ustar header block for a regular file. */
function header(name, size) {
  const block = Buffer.alloc(512);
  block.write(name, 0, 'ascii');
  block.write('0000644\0', 100, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\x0000', 257, 'ascii');
  block.write('        ', 148, 'ascii');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

before(async () => {
  await rm(work, { recursive: true, force: true });
  const tree = path.join(work, 'tree');
  const long = 'a_folder_name_long_enough_that_the_path_passes_the_hundred_bytes_of_a_plain_tar_header';
  for (let i = 1; i <= 60; i++) {
    const name = `ILSVRC2012_val_${String(i).padStart(8, '0')}.JPEG`;
    const folder = path.join(tree, `n0144${String(i % 3).padStart(4, '0')}`, i % 2 ? long : '');
    await mkdir(folder, { recursive: true });
    await cp(path.join(images, name), path.join(folder, name));
  }
  await writeFile(path.join(tree, 'ILSVRC2012_val_00000001.xml'), '<annotation/>');
  execFileSync('tar', ['--format=gnu', '-cf', tars.gnu, '-C', tree, '.']);
  // Cut in the middle of a member's data.
  await writeFile(tars.cut, (await readFile(path.join(root, 'target', 'e2e-images.tar'))).subarray(0, 20_000));
  await writeFile(tars.notTar, 'ILSVRC2012_val_00000001.JPEG 65\n'.repeat(100));
  for (const [file, size] of [[tars.many, (i) => 500 + (i % 7)], [tars.large, (i) => 100_000 + (i % 7) * 1000]]) {
    const out = await open(file, 'w');
    let at = 0;
    for (let i = 1; i <= 50_000; i++) {
      await out.write(header(`ILSVRC2012_val_${String(i).padStart(8, '0')}.JPEG`, size(i)), 0, 512, at);
      at += 512 + Math.ceil(size(i) / 512) * 512;
    }
    await out.truncate(at + 1024);
    await out.close();
  }
});

const status = (page) => page.getByTestId('image-source-status').textContent();
const note = (page) => page.getByTestId('image-source-note').textContent();

/** Records every text the tar's progress bar shows, however briefly. */
async function watchProgress(page) {
  await page.evaluate(() => {
    window.__progress = [];
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid=tar-progress]');
      if (bar && window.__progress.at(-1) !== bar.textContent) window.__progress.push(bar.textContent);
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

test('a tar of images in folders, with GNU long names, is indexed in a worker with progress and shows its images', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases`);
  await page.locator('.image-source summary').click();
  await watchProgress(page);
  await page.getByTestId('images-tar-input').setInputFiles(tars.gnu);
  await page.waitForFunction(() => /60 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? ''));
  assert.match(await note(page), /^60 images indexed in folders-gnu\.tar \(\d+ members walked in a worker in \d+\.\d s\); read in place\.$/);
  const seen = await page.evaluate(() => window.__progress);
  assert.ok(seen.length > 0 && /^indexing folders-gnu\.tar… \d+% · \d+ images found/.test(seen[0]), `progress: ${seen}`);
  assert.equal(await page.getByTestId('tar-progress').count(), 0, 'the bar goes when the index is in');
  await page.waitForFunction(() => document.querySelectorAll('img[data-testid=thumb]').length > 3);
  const width = await page.locator('img[data-testid=thumb]').first().evaluate((img) => img.decode().then(() => img.naturalWidth));
  assert.equal(width, 160);
  assert.deepEqual(problems, []);
  await close();
});

test('the validation tar\'s 50,000 headers are indexed with progress; a broken tar says why and keeps the images shown before', async () => {
  const { page, problems, close } = await openPage(`${ctx.base}?page=cases`);
  await page.locator('.image-source summary').click();
  await page.getByTestId('images-tar-input').setInputFiles(path.join(root, 'target', 'e2e-images.tar'));
  await page.waitForFunction(() => /60 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? ''));
  await page.waitForFunction(() => document.querySelectorAll('img[data-testid=thumb]').length > 3);

  await watchProgress(page);
  await page.getByTestId('images-tar-input').setInputFiles(tars.many);
  await page.waitForFunction(() => /50,000 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? ''), null, { timeout: 120_000 });
  assert.match(await note(page), /^50,000 images indexed in val-small\.tar \(50,000 members walked in a worker/);
  const seen = await page.evaluate(() => window.__progress);
  assert.ok(seen.some((t) => /indexing val-small\.tar… \d+% · [\d,]+ images found/.test(t)), `progress: ${seen}`);

  // Back to the 60 real images, then two files that are not whole tars.
  await page.getByTestId('images-tar-input').setInputFiles(path.join(root, 'target', 'e2e-images.tar'));
  await page.waitForFunction(() => /: 60 images/.test(document.querySelector('[data-testid=image-source-status]')?.textContent ?? ''));
  await page.getByTestId('images-tar-input').setInputFiles(tars.cut);
  await page.waitForFunction(() => /could not be indexed/.test(document.querySelector('[data-testid=image-source-note]')?.textContent ?? ''));
  assert.match(await note(page), /^cut\.tar could not be indexed: the tar is cut short: \.\/ILSVRC2012_val_\d+\.JPEG at byte \d+ goes past the end of the file \(20000 bytes\); the download or copy may be incomplete\. The images shown before are kept\.$/);
  assert.match(await status(page), /e2e-images\.tar: 60 images/);
  await page.getByTestId('images-tar-input').setInputFiles(tars.notTar);
  await page.waitForFunction(() => /predictions\.tar could not/.test(document.querySelector('[data-testid=image-source-note]')?.textContent ?? ''));
  assert.match(await note(page), /this is not a tar archive: its first 512 bytes are not a tar header/);
  assert.match(await status(page), /e2e-images\.tar: 60 images/);
  // The images shown before still load.
  const width = await page.locator('img[data-testid=thumb]').first().evaluate((img) => img.decode().then(() => img.naturalWidth));
  assert.equal(width, 160);

  // Cancelled: the images shown before stay.
  await page.getByTestId('images-tar-input').setInputFiles(tars.large);
  await page.getByTestId('cancel-tar').click();
  assert.match(await note(page), /Indexing val-layout\.tar was cancelled; the images shown before are kept\./);
  assert.match(await status(page), /e2e-images\.tar: 60 images/);
  assert.deepEqual(problems, []);
  await close();
});
