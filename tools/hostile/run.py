#!/usr/bin/env python3
"""Runs real-eval on every case of the hostile corpus and checks what it says.

Usage: run.py REAL_EVAL CORPUS_DIR [--bench]

Each case must end as the manifest expects: an error (exit status 2, one line on stderr that
holds every expected substring) or a result (exit status 0, the expected top-1 and warnings).
Every stderr line must be at most 300 characters with no control characters.
With --bench, prints a table of each case's wall time and peak memory and fails when one is
over the bound (BOUND_SECONDS, BOUND_MB): the bounds are checked here, never in a timed test.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

BOUND_SECONDS = 10.0
BOUND_MB = 1200
MAX_LINE = 300


def command(real_eval, corpus, case):
    path = case["name"] if case["cli_only"] and case["name"].startswith("/") else os.path.join(corpus, case["name"])
    control = os.path.join(corpus, "npy_big_endian_ok.npy")
    role = case["role"]
    if role == "predictions":
        return [real_eval, "--json", path]
    if role == "labels":
        return [real_eval, "--json", "--labels", path, control]
    if role == "scores":
        return [real_eval, "--json", "--scores", path, "--real-threshold", "0.9", control]
    if role == "relabeling":
        return [real_eval, "--json", "--relabelings", path, control]
    raise ValueError(role)


def run(cmd, timeout):
    """Runs cmd; returns (status or None when it was stopped at `timeout` seconds, stdout,
    stderr, seconds, peak resident MB of that one process, from wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, wait_status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        status = None if seconds >= timeout else proc.returncode
        # ru_maxrss is in kilobytes on Linux.
        return status, out.read(), err.read(), seconds, usage.ru_maxrss / 1024


def check(case, status, out, err):
    """Problems with one case's outcome, as a list of sentences (empty when it passed)."""
    problems = []
    text = err.decode("utf-8", errors="replace")
    lines = [l for l in text.split("\n") if l]
    for line in lines:
        if len(line) > MAX_LINE:
            problems.append(f"a stderr line of {len(line)} characters")
        if any(ord(c) < 32 or ord(c) == 127 for c in line):
            problems.append(f"control characters on stderr: {line[:80]!r}")
    if status is None:
        return problems + ["did not finish in time"]
    if case["expect"] == "error":
        if status != 2:
            problems.append(f"exit status {status}, expected 2")
        errors = [l for l in lines if "warning:" not in l]
        if len(errors) != 1:
            problems.append(f"{len(errors)} error lines, expected 1: {errors[:3]}")
        for want in case["says"]:
            if want.lower() not in text.lower():
                problems.append(f"the message lacks {want!r}: {text.strip()[:300]!r}")
    else:
        if status != 0:
            problems.append(f"exit status {status}, expected 0: {text.strip()[:300]!r}")
            return problems
        result = json.loads(out.decode().splitlines()[0])
        said = " ".join(result.get("warnings", [])) + " " + text
        for want in case["says"]:
            if want.lower() not in said.lower():
                problems.append(f"the warnings lack {want!r}: {said.strip()[:300]!r}")
        for key, percent in (case.get("top1") or {}).items():
            got = result["label_sets"][key]["top1"] * 100
            if abs(got - percent) > 0.005:
                problems.append(f"{key} top-1 {got:.3f}%, expected {percent}%")
    return problems


def main():
    real_eval, corpus = sys.argv[1], sys.argv[2]
    bench = "--bench" in sys.argv[3:]
    with open(os.path.join(corpus, "manifest.json")) as f:
        cases = json.load(f)
    failed = 0
    if bench:
        print(f"{'case':<34} {'role':<11} {'outcome':<7} {'seconds':>8} {'peak MB':>8}  message")
    for case in cases:
        cmd = command(real_eval, corpus, case)
        status, out, err, seconds, mb = run(cmd, timeout=60)
        problems = check(case, status, out, err)
        if bench:
            if seconds > BOUND_SECONDS:
                problems.append(f"took {seconds:.1f} s, bound {BOUND_SECONDS} s")
            if mb > BOUND_MB:
                problems.append(f"peak {mb:.0f} MB, bound {BOUND_MB} MB")
            message = err.decode(errors="replace").strip().splitlines()
            shown = (message[-1] if message else "").replace(corpus + "/", "")[:90]
            print(f"{case['name']:<34} {case['role']:<11} {'ok' if status == 0 else 'error':<7} "
                  f"{seconds:>8.2f} {mb:>8.0f}  {shown}")
        if problems:
            failed += 1
            print(f"FAIL {case['name']} ({case['why']}): " + "; ".join(problems))
    print(f"hostile corpus: {len(cases) - failed} of {len(cases)} cases as expected")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
