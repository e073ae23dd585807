// End-to-end: how the page gets its data and runs its evaluation worker. One wasm module and
// one data file are downloaded; the worker lives across loads; a broken worker (before or after
// it started) never sends the file to the page's own thread; a page where no worker can run
// (known before any file is given) still evaluates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setUp, ctx, golden } from './harness.mjs';

setUp();

const want = (name) => `${(100 * ctx.expected[name].real_top1).toFixed(2)}%`;

/** A fresh page with a script run before the page's own, and every request counted. */
async function openWith(initScript, setUpRoutes = async () => {}) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const requests = [];
  context.on('request', (r) => requests.push(new URL(r.url()).pathname));
  if (initScript) await context.addInitScript(initScript);
  await setUpRoutes(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(ctx.base);
  return { page, problems, requests, close: () => context.close() };
}

async function load(page, name) {
  await page.getByTestId('predictions-input').setInputFiles(path.join(golden, name));
}

/** Counts the workers the page starts. */
const countWorkers = () => {
  const Real = window.Worker;
  window.__workers = 0;
  window.Worker = class extends Real {
    constructor(...args) {
      super(...args);
      window.__workers += 1;
    }
  };
};

test('one wasm module and one data file serve the page and its worker, which lives across loads', async () => {
  const { page, problems, requests, close } = await openWith(countWorkers);
  await page.getByTestId('dataset-facts').waitFor();
  await load(page, 'top1.json');
  await page.getByTestId('real-top1').waitFor();
  assert.equal(await page.getByTestId('real-top1').textContent(), want('top1.json'));
  await load(page, 'timm_top5.csv');
  await page.getByTestId('model-on-screen').filter({ hasText: 'timm_top5.csv' }).waitFor();
  assert.match(await page.locator('.results h2 .sub').textContent(), /evaluated in a worker in \d+ ms/);
  assert.equal(await page.getByTestId('real-top1').textContent(), want('timm_top5.csv'));
  assert.equal(await page.evaluate(() => window.__workers), 1, 'both files went to the same worker');
  assert.equal(requests.filter((p) => p.endsWith('.wasm')).length, 1, 'the worker reuses the page\'s compiled module');
  assert.deepEqual(requests.filter((p) => p.endsWith('/imagenet-val.bin')), ['/imagenet-val.bin']);
  assert.deepEqual(problems, []);
  await close();
});

test('a data file that cannot be downloaded shows a clear error and a retry that works', async () => {
  let refuse = true;
  const { page, problems, close } = await openWith(null, (context) =>
    context.route('**/imagenet-val.bin', (route) => (refuse ? route.fulfill({ status: 503, body: 'busy' }) : route.continue())));
  await page.getByTestId('data-error').waitFor();
  assert.match(await page.getByTestId('data-error').textContent(), /imagenet-val\.bin\) could not be downloaded: the server answered 503/);
  refuse = false;
  await page.getByTestId('data-retry').click();
  await page.getByTestId('dataset-facts').waitFor();
  assert.equal(await page.getByTestId('fact-scored').textContent(), '46,837');
  assert.deepEqual(problems, []);
  await close();
});

test('a stale or damaged data file is refused, never scored', async () => {
  const served = [];
  const { page, close } = await openWith(null, (context) =>
    context.route('**/imagenet-val.bin', async (route) => {
      const response = await route.fetch();
      const body = await response.body();
      // One label changed: the file still decodes, only its digest tells.
      body[body.length - 1] ^= 1;
      served.push(route.request().url());
      await route.fulfill({ response, body });
    }));
  await page.getByTestId('data-error').waitFor();
  assert.match(await page.getByTestId('data-error').textContent(), /is not the data this page was built with .* stale or damaged/);
  assert.equal(served.length, 2, 'asked once more past the cache before giving up');
  assert.equal(await page.getByTestId('nav').count(), 0);
  await close();
});

test('a worker that breaks on a file fails that load; the page never runs the file itself', async () => {
  // The first job makes the worker die as a panic or running out of memory would.
  const breakFirstJob = () => {
    const Real = window.Worker;
    window.__workers = 0;
    let broken = false;
    window.Worker = class extends Real {
      constructor(...args) {
        super(...args);
        window.__workers += 1;
      }
      postMessage(message, ...rest) {
        if (!broken && message && message.kind === 'job') {
          broken = true;
          this.terminate();
          setTimeout(() => this.dispatchEvent(new ErrorEvent('error', { message: 'RuntimeError: unreachable' })));
          return;
        }
        return super.postMessage(message, ...rest);
      }
    };
  };
  const { page, problems, close } = await openWith(breakFirstJob);
  await page.getByTestId('dataset-facts').waitFor();
  await load(page, 'top1.json');
  await page.getByTestId('load-error').waitFor();
  assert.match(await page.getByTestId('load-error').textContent(), /top1\.json could not be read.*stopped unexpectedly/);
  assert.equal(await page.getByTestId('real-top1').count(), 0, 'no figures: the file was not evaluated on the page');
  // The next load gets a fresh worker.
  await load(page, 'top1.json');
  await page.getByTestId('real-top1').waitFor();
  assert.equal(await page.getByTestId('real-top1').textContent(), want('top1.json'));
  assert.match(await page.locator('.results h2 .sub').textContent(), /evaluated in a worker/);
  assert.equal(await page.evaluate(() => window.__workers), 2);
  assert.deepEqual(problems, []);
  await close();
});

test('where no worker can start, the page evaluates on its own thread', async () => {
  const noWorkers = () => {
    window.Worker = class {
      constructor() {
        throw new Error('workers are disabled here');
      }
    };
  };
  const { page, problems, close } = await openWith(noWorkers);
  await page.getByTestId('dataset-facts').waitFor();
  await load(page, 'timm_top5.csv');
  await page.getByTestId('real-top1').waitFor();
  assert.equal(await page.getByTestId('real-top1').textContent(), want('timm_top5.csv'));
  const sub = await page.locator('.results h2 .sub').textContent();
  assert.match(sub, /evaluated in \d+ ms/);
  assert.doesNotMatch(sub, /in a worker/);
  assert.deepEqual(problems, []);
  await close();
});

/** Holds back what the page sends its first worker (its compiled module), so that the worker
 *  has not started when a file is given; the test then breaks it. */
const holdFirstWorker = () => {
  const Real = window.Worker;
  window.__workers = [];
  window.Worker = class extends Real {
    constructor(...args) {
      super(...args);
      window.__workers.push(this);
      this.held = window.__workers.length === 1;
    }
    postMessage(...args) {
      if (!this.held) return super.postMessage(...args);
    }
  };
};

/** Gives a file while the first worker has not started, breaks that worker with `breakIt`,
 *  and checks the file failed rather than moving to the page's thread, and that the next load
 *  runs in a fresh worker. */
async function failsBeforeStarting(breakIt) {
  const { page, problems, close } = await openWith(holdFirstWorker);
  await page.getByTestId('dataset-facts').waitFor();
  await load(page, 'top1.json');
  await page.getByTestId('load-status').waitFor();
  await page.evaluate(breakIt);
  await page.getByTestId('load-error').waitFor();
  assert.match(await page.getByTestId('load-error').textContent(), /top1\.json could not be read\. the evaluation stopped unexpectedly/);
  assert.equal(await page.getByTestId('real-top1').count(), 0, 'no figures: the file was not evaluated on the page');
  assert.equal(await page.getByTestId('load-status').count(), 0);
  await load(page, 'top1.json');
  await page.getByTestId('real-top1').waitFor();
  assert.equal(await page.getByTestId('real-top1').textContent(), want('top1.json'));
  assert.match(await page.locator('.results h2 .sub').textContent(), /evaluated in a worker/);
  assert.equal(await page.evaluate(() => window.__workers.length), 2);
  assert.deepEqual(problems, []);
  await close();
}

test('a worker that dies before it starts fails the file waiting for it; the page never runs it', async () => {
  await failsBeforeStarting(() => {
    const worker = window.__workers[0];
    worker.terminate();
    worker.dispatchEvent(new ErrorEvent('error', { message: 'RuntimeError: unreachable' }));
  });
});

test('a worker whose wasm will not start fails the file waiting for it; the page never runs it', async () => {
  await failsBeforeStarting(() => {
    const worker = window.__workers[0];
    worker.held = false;
    // Not a module: the worker's start-up reports that its wasm would not start.
    worker.postMessage('not-a-module');
  });
});

test('a worker script that cannot load before any file is given: the page evaluates on its own thread', async () => {
  const countErrors = () => {
    const Real = window.Worker;
    window.__workerErrors = 0;
    window.Worker = class extends Real {
      constructor(...args) {
        super(...args);
        this.addEventListener('error', () => { window.__workerErrors += 1; });
      }
    };
  };
  const { page, problems, close } = await openWith(countErrors, (context) =>
    context.route('**/worker.js*', (route) => route.fulfill({ status: 404, body: 'gone' })));
  await page.getByTestId('dataset-facts').waitFor();
  await page.waitForFunction(() => window.__workerErrors > 0);
  await load(page, 'top1.json');
  await page.getByTestId('real-top1').waitFor();
  assert.equal(await page.getByTestId('real-top1').textContent(), want('top1.json'));
  const sub = await page.locator('.results h2 .sub').textContent();
  assert.match(sub, /evaluated in \d+ ms/);
  assert.doesNotMatch(sub, /in a worker/);
  assert.deepEqual(problems, []);
  await close();
});
