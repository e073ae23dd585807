// What the benchmarks share: the built page (dist/) served on loopback, and headless Chromium.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const dist = path.resolve(import.meta.dirname, '..', 'dist');
const defaultDist = dist;
/** The published rater files, served under /evidence/ (absent without ../shared). */
export const evidence = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'reassessed-imagenet');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.csv': 'text/csv', '.bin': 'application/octet-stream' };

/** Serves dist/ (or another build's folder) on a free loopback port; returns the server and its base URL. */
export async function serveDist(dist = defaultDist) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = url.pathname.startsWith('/evidence/') ? path.join(evidence, path.basename(url.pathname))
      : url.pathname === '/' ? path.join(dist, 'index.html') : path.join(dist, decodeURIComponent(url.pathname));
    try {
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'text/html' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${server.address().port}/` };
}

/** Headless Chromium with the flags that keep it off the network. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
