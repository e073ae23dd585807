// Trunk post-build hook: puts the SHA-256 of every inline <script> of the staged index.html into
// its Content-Security-Policy <meta>, in place of the {{INLINE_SCRIPT_HASHES}} placeholder.
//
// Trunk writes the script that starts the wasm inline, and its text (hashed asset names) changes
// with every build, so the policy's hash is computed here, after Trunk has written the page.
// The build fails when the page has no such policy, or when an inline script holds text that
// `trunk serve` rewrites as it serves (the autoreload script), whose served hash is unknowable.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PLACEHOLDER = '{{INLINE_SCRIPT_HASHES}}';

function fail(message) {
  console.error(`csp_hashes: ${message}`);
  process.exit(1);
}

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) fail('TRUNK_STAGING_DIR is not set: run this as a Trunk post_build hook');
const file = path.join(staging, 'index.html');
const html = readFileSync(file, 'utf8');

const metas = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*"\s*\/?>/gi) ?? [];
if (metas.length !== 1) fail(`${file} must have exactly one Content-Security-Policy <meta>, found ${metas.length}`);
if (!metas[0].includes(PLACEHOLDER)) fail(`the Content-Security-Policy <meta> has no ${PLACEHOLDER} in its script-src`);

// The browser hashes the exact text between <script> and </script>: no entity decoding.
const hashes = [];
for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
  if (/\bsrc\s*=/i.test(attrs)) continue;
  if (body.includes('{{__TRUNK')) {
    fail('an inline script holds text `trunk serve` replaces while serving (its autoreload script), so its hash cannot be known here: keep `no_autoreload = true` under [serve] in Trunk.toml');
  }
  hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
if (hashes.length === 0) fail(`${file} has no inline script: Trunk's start-up script was expected`);

const out = html.replace(metas[0], metas[0].replace(PLACEHOLDER, hashes.join(' ')));
writeFileSync(file, out);
console.log(`csp_hashes: ${hashes.length} inline script(s) allowed by hash`);
