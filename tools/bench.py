#!/usr/bin/env python3
"""Benchmark: real-eval on a 50,000 x 1,000 float32 logits .npy, against the numpy reference
on the same file and against just reading its bytes. Prints medians of several runs.

Targets: real-eval at least 5x faster than numpy, and within 3x of the read.
  make bench            (or: target/venv/bin/python tools/bench.py [--runs N])
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
from reference import Truth, metrics, topk_from_scores  # noqa: E402

BINARY = os.path.join(ROOT, "target", "release", "real-eval")
FILE = os.path.join(ROOT, "target", "bench", "logits_50000x1000_f32.npy")


def median_seconds(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    truth = Truth()
    if not os.path.exists(FILE):
        os.makedirs(os.path.dirname(FILE), exist_ok=True)
        rng = np.random.default_rng(7)
        logits = rng.standard_normal((truth.n, 1000), dtype=np.float32)
        right = rng.random(truth.n) < 0.76
        logits[np.nonzero(right)[0], truth.original[right]] += np.float32(6.0)
        np.save(FILE, logits)
    size_mb = os.path.getsize(FILE) / 1e6

    def read_bytes():
        with open(FILE, "rb") as f:
            f.read()

    def cat():
        subprocess.run(["cat", FILE], stdout=subprocess.DEVNULL, check=True)

    out = {}

    def real_eval():
        p = subprocess.run([BINARY, "--json", FILE], capture_output=True, text=True, check=True)
        out["rust"] = json.loads(p.stdout)

    def numpy_reference():
        a = np.load(FILE)
        out["numpy"] = metrics(truth, np.arange(len(a)), topk_from_scores(a, 5))

    for fn in (read_bytes, real_eval, numpy_reference):  # warm the page cache and the code
        fn()
    t_read = median_seconds(read_bytes, args.runs)
    t_cat = median_seconds(cat, args.runs)
    t_rust = median_seconds(real_eval, args.runs)
    t_numpy = median_seconds(numpy_reference, max(1, args.runs // 2))
    for key in ("real_top1_correct", "original_top1_correct", "real_top5_correct", "original_top5_correct"):
        if out["rust"][key] != out["numpy"][key]:
            sys.exit(f"figures differ: {key} {out['rust'][key]} != {out['numpy'][key]}")

    print(f"file: {FILE} ({size_mb:.0f} MB, float32 50000x1000), median of {args.runs} runs")
    print(f"  read the bytes (python f.read)   {1000 * t_read:8.1f} ms")
    print(f"  read the bytes (cat > /dev/null) {1000 * t_cat:8.1f} ms")
    print(f"  real-eval --json (whole process) {1000 * t_rust:8.1f} ms")
    print(f"  numpy reference (load + top-5 + metrics, in process) {1000 * t_numpy:8.1f} ms")
    print(f"  real-eval vs numpy: {t_numpy / t_rust:.1f}x faster (target >= 5x)")
    print(f"  real-eval vs read:  {t_rust / t_read:.1f}x a Python read, {t_rust / t_cat:.1f}x cat (target <= 3x)")
    print(f"  ReaL top-1 {100 * out['rust']['real_top1']:.2f}%, original top-1 {100 * out['rust']['original_top1']:.2f}% (both agree with numpy)")


if __name__ == "__main__":
    main()
