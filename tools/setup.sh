#!/usr/bin/env bash
# Installs what building and testing ReaL Explorer needs, from the package registries only,
# and skips whatever is already there at the right version. Safe to run again.
#   tools/setup.sh web    the page: wasm target, Trunk, wasm-bindgen CLI, wasm-opt
#   tools/setup.sh test   the above, plus Chromium + chromedriver, Node tools, Python venv,
#                         and cargo-fuzz when the nightly toolchain is there
#   tools/setup.sh fuzz   cargo-fuzz only, when the nightly toolchain is there (make fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
NUMPY_VERSION=2.2.6
CARGO_FUZZ_VERSION=0.13.2
want=${1:-test}

say() { printf '[setup] %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# cargo-fuzz builds with nightly-only flags: without nightly there is nothing to install, and
# make fuzz-smoke says it skipped (the native tests replay the corpora on stable).
fuzz_tools() {
  if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    return 0
  fi
  if [ "$(cargo-fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}

if [ "$want" = fuzz ]; then
  fuzz_tools
  exit 0
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing Trunk $TRUNK_VERSION (a few minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  # Not --locked: the registry lacks one of its pinned transitive crates.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# wasm-opt (npm binaryen) and, for tests, playwright-core and axe-core; npm ci only when the lock changed.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.setup-lock; then
  say "installing Node tools (binaryen, playwright-core, @axe-core/playwright)"
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.setup-lock
fi

[ "$want" = web ] && exit 0

if ! have chromium || ! have chromedriver; then
  say "installing Chromium and chromedriver from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

venv=target/venv
if ! "$venv/bin/python" -c "import numpy, sys; sys.exit(numpy.__version__ != '$NUMPY_VERSION')" 2>/dev/null; then
  say "creating the Python reference environment (numpy $NUMPY_VERSION)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "numpy==$NUMPY_VERSION"
fi

# The published real.json for the tests, from timm's pinned wheel (byte-identical, sha256
# checked), so that a checkout without ../shared tests the same labels.
if [ ! -f target/published/real.json ]; then
  say "extracting the published real.json from timm's pinned wheel"
  mkdir -p target/published
  "$venv/bin/python" -c "
import sys; sys.path.insert(0, 'tools/reference')
from reference import real_json
open('target/published/real.json', 'wb').write(real_json())"
fi

fuzz_tools
