// Shared setup for the browser tests: the built page (dist/) served on loopback, at the root
// and under a sub-path, and headless Chromium.
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const root = path.resolve(import.meta.dirname, '..');
export const dist = path.join(root, 'dist');
export const golden = process.env.GOLDEN_DIR ?? path.join(root, 'target', 'golden');
export const artifacts = path.join(root, 'e2e', 'artifacts');
/** The sub-path the page is also served under, as on a static host. */
export const SUB = '/some/sub/path/';
/** The published rater files (absent on a fresh clone without ../shared) and synthetic ones. */
export const publishedEvidence = path.resolve(root, '..', 'shared', 'data', 'reassessed-imagenet');
export const syntheticEvidence = path.join(root, 'crates', 'real-core', 'tests', 'fixtures', 'evidence');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.npy': 'application/octet-stream', '.csv': 'text/csv' };

export const ctx = { server: null, browser: null, base: null, expected: null, cutOff: [] };

/** Content-Security-Policy violations seen since the current test began, in any page or worker. */
export const violations = [];

/** Records every Content-Security-Policy violation of a browser context's pages and workers. */
async function watchPolicy(context) {
  await context.exposeBinding('__cspViolation', ({ page }, text) => violations.push(`${page?.url() ?? '?'}: ${text}`));
  // Before the page's own scripts, in every page and frame of the context.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const watchPage = (page) => {
    // Chromium also reports a violation on the console, which is how one in a worker is seen.
    page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`); });
    page.on('worker', (worker) => {
      worker.on('console', (m) => { if (/Content.Security.Policy|securitypolicyviolation/i.test(m.text())) violations.push(`worker ${worker.url()}: ${m.text()}`); });
      worker.evaluate(() => self.addEventListener('securitypolicyviolation', (e) => {
        console.error(`securitypolicyviolation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
      })).catch(() => {});
    });
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
}

export function setUp() {
  before(async () => {
    ctx.expected = JSON.parse(await readFile(path.join(golden, 'expected.json'), 'utf8'));
    await mkdir(artifacts, { recursive: true });
    ctx.server = createServer(async (req, res) => {
      const url = new URL(req.url, 'http://x');
      let pathname = decodeURIComponent(url.pathname);
      // Predictions served for ?predictions= links.
      if (pathname.startsWith('/files/')) {
        try {
          const body = await readFile(path.join(golden, path.basename(pathname)));
          res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
        } catch { res.writeHead(404).end(); }
        return;
      }
      // Downloads that misbehave: /slow/NAME announces a fixture's size, sends its first
      // megabyte and then nothing more; /huge/NAME announces 2 GiB. Each notes in ctx.cutOff
      // when the page hangs up before the end.
      if (pathname.startsWith('/slow/') || pathname.startsWith('/huge/')) {
        res.on('close', () => { if (!res.writableFinished) ctx.cutOff.push(pathname); });
        if (pathname.startsWith('/huge/')) {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(2 ** 31) });
          res.write(Buffer.alloc(1 << 16));
          return;
        }
        try {
          const body = await readFile(path.join(golden, path.basename(pathname)));
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
          res.write(body.subarray(0, 1 << 20));
        } catch { res.writeHead(404).end(); }
        return;
      }
      // Rater files served from the page's own origin for ?evidence= links; no test reaches
      // the internet.
      for (const [prefix, folder] of [['/evidence/published/', publishedEvidence], ['/evidence/synthetic/', syntheticEvidence]]) {
        if (pathname.startsWith(prefix)) {
          try {
            const body = await readFile(path.join(folder, path.basename(pathname)));
            res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
          } catch { res.writeHead(404).end(); }
          return;
        }
      }
      if (pathname.startsWith(SUB)) pathname = '/' + pathname.slice(SUB.length);
      const file = pathname === '/' ? path.join(dist, 'index.html') : path.join(dist, pathname);
      if (!file.startsWith(dist)) { res.writeHead(403).end(); return; }
      // Read before answering: a missing file is a 404, not a 200 that never ends.
      let body;
      try {
        body = await readFile(file);
      } catch {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'text/html' }).end(body);
    });
    await new Promise((ok) => ctx.server.listen(0, '127.0.0.1', ok));
    ctx.base = `http://127.0.0.1:${ctx.server.address().port}/`;
    ctx.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      // launch() gives every run a fresh temporary profile.
    });
    // Every context any test opens is watched for Content-Security-Policy violations.
    const newContext = ctx.browser.newContext.bind(ctx.browser);
    ctx.browser.newContext = async (...args) => {
      const context = await newContext(...args);
      await watchPolicy(context);
      return context;
    };
  });
  // A test fails on any violation of the page's Content-Security-Policy.
  afterEach(() => {
    const seen = violations.splice(0);
    assert.deepEqual(seen, [], 'the page broke its own Content-Security-Policy');
  });
  after(async () => {
    await ctx.browser?.close();
    // Including the downloads left hanging on purpose.
    ctx.server?.closeAllConnections();
    ctx.server?.close();
  });
}

export const pct = (f) => `${(100 * f).toFixed(2)}%`;
export const count = (n) => n.toLocaleString('en-US');

/** A fresh page (own context) at a URL, with page errors collected. */
export async function openPage(url = ctx.base, { permissions = [] } = {}) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 1000 }, permissions });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(url);
  await page.getByTestId('nav').waitFor();
  return { page, problems, close: () => context.close() };
}

export async function give(page, name) {
  await page.getByTestId('predictions-input').setInputFiles(path.join(golden, name));
  await page.getByTestId('real-top1').waitFor({ timeout: 60_000 });
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, name), fullPage: false });
}
