"""Golden checks of the raters' evidence: real-eval --scores/--raters/--real-threshold against
numpy reading the same .npz files.

For the committed synthetic rater files (always) and the published ones in ../shared (when
present): the label set at several thresholds (a rated image's candidates scoring at least t,
an unrated image's original label) scored for a model's top-5, and the votes of every
question (the raters' one-hot answers summed). Also writes the figures the page's end-to-end
test compares with (WORK/evidence/expected.json).
"""
import csv
import json
import os
import subprocess

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SYNTHETIC = os.path.join(ROOT, "crates/real-core/tests/fixtures/evidence")
PUBLISHED = os.path.join(ROOT, "../shared/data/reassessed-imagenet")
THRESHOLDS = ["0.50", "0.55", "0.73", "0.80", "0.90", "0.99"]


def sets_at(t, info, scores, threshold):
    """(n, 1000) bool: the label set at `threshold` from numpy alone."""
    sets = np.zeros((t.n, 1000), dtype=bool)
    sets[np.arange(t.n), t.original] = True
    images = np.array([int(f[15:23]) - 1 for f in info[:, 0]])
    labels = info[:, 1].astype(int)
    sets[images] = False  # rated images keep only what the raters' scores admit
    keep = scores >= float(threshold)
    sets[images[keep], labels[keep]] = True
    return sets


def evidence_checks(t, binary, work, model_path, images, top, label_figures, check):
    folder = os.path.join(work, "evidence")
    os.makedirs(folder, exist_ok=True)
    page = {}
    sources = [("synthetic", SYNTHETIC)]
    if os.path.exists(os.path.join(PUBLISHED, "raters.npz")):
        sources.append(("published", PUBLISHED))
    else:
        print("golden: skipped the published rater files (../shared is absent); synthetic ones checked")
    everything = np.ones(t.n, dtype=bool)
    for kind, where in sources:
        scores_path = os.path.join(where, "scores.npz")
        raters_path = os.path.join(where, "raters.npz")
        csv_path = os.path.join(folder, f"{kind}.csv")
        args = [binary, "--json", "--scores", scores_path, "--raters", raters_path, "--evidence-csv", csv_path]
        for th in THRESHOLDS:
            args += ["--real-threshold", th]
        proc = subprocess.run(args + [model_path], capture_output=True, text=True)
        check(f"evidence {kind}: exit 0", proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr}")
        obj = json.loads(proc.stdout.splitlines()[0]) if proc.stdout else {}
        got = obj.get("label_sets", {})
        keys = ["original", "real"] + [f"real@{th}" for th in THRESHOLDS]
        check(f"evidence {kind}: label_sets keys", list(got) == keys, list(got))
        s = np.load(scores_path)
        info, scores = s["info"], s["tensor"]
        figures = {}
        for th in THRESHOLDS:
            want, _, _ = label_figures(sets_at(t, info, scores, th), everything, images, top)
            g = got.get(f"real@{th}", {})
            figures[th] = want
            for field in ("scored", "excluded", "missing", "top1_correct", "top5_correct"):
                check(f"evidence {kind} real@{th} {field}", g.get(field) == want[field], f"{g.get(field)} != {want[field]}")
        if kind == "published":
            # At 0.80 the scores rebuild the published ReaL set.
            for field in ("scored", "top1_correct", "top5_correct"):
                check(f"evidence published real@0.80 = real {field}",
                      got.get("real@0.80", {}).get(field) == got.get("real", {}).get(field))
        # Votes: the raters' one-hot answers summed over raters, per question.
        votes = np.load(raters_path)["tensor"].sum(axis=0).astype(int)
        want_rows = {(f, int(l)): (float(sc), tuple(v)) for (f, l), sc, v in zip(info, scores, votes)}
        with open(csv_path) as f:
            rows = list(csv.DictReader(f))
        check(f"evidence {kind}: a CSV row per question", len(rows) == len(want_rows), f"{len(rows)} != {len(want_rows)}")
        bad = 0
        for r in rows:
            w = want_rows.get((r["file"], int(r["label"])))
            if w is None or abs(float(r["score"]) - w[0]) > 1e-6 or (int(r["no"]), int(r["maybe"]), int(r["yes"])) != w[1]:
                bad += 1
        check(f"evidence {kind}: every question's score and votes", bad == 0, f"{bad} rows differ")
        # For the page: model figures at each threshold, and a few images' candidates.
        sample = {}
        for f in sorted(set(info[:, 0]))[:: max(1, len(set(info[:, 0])) // 12)][:12]:
            rows_f = [(int(l), float(sc), [int(x) for x in v]) for (ff, l), sc, v in zip(info, scores, votes) if ff == f]
            sample[str(f)] = sorted(rows_f)
        rated = {int(f[15:23]) for f in info[:, 0]}
        # Contested at t: a candidate within 0.1 of t, or answers with both a yes and a no.
        split = (votes[:, 0] > 0) & (votes[:, 2] > 0)
        contested = {}
        for th in ("0.80", "0.90"):
            near = np.abs(scores - float(th)) <= 0.1 + 1e-6
            contested[th] = len({f for f, c in zip(info[:, 0], near | split) if c})
        unrated = next(i for i in range(1, t.n + 1) if i not in rated)
        page[kind] = {"figures": figures, "candidates": sample, "unrated": unrated, "rated_images": len(rated),
                      "contested": contested}
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(page, f, indent=1)
