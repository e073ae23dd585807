"""Writes small synthetic rater files in the published layout, and what numpy makes of them.

The files are made up (no published data): 60 images, up to 6 candidate labels each, 9
raters of whom five answer each question. `expected.json` holds, computed here with numpy
alone, the label set of every image at several thresholds and the votes of every question,
for the core's tests to compare with.

    target/venv/bin/python tools/reference/rater_fixtures.py crates/real-core/tests/fixtures/evidence
"""

import json
import sys
from pathlib import Path

import numpy as np

THRESHOLDS = ["0.5", "0.73", "0.8", "0.85", "0.99"]


def main(out: Path) -> None:
    rng = np.random.default_rng(7)
    out.mkdir(parents=True, exist_ok=True)
    images = sorted(rng.choice(50_000, size=60, replace=False) + 1)
    info, scores = [], []
    for image in images:
        labels = sorted(rng.choice(1000, size=int(rng.integers(1, 7)), replace=False))
        for label in labels:
            info.append([f"ILSVRC2012_val_{image:08d}.JPEG", str(label)])
            # Scores near the thresholds as well as far from them, and exact hundredths.
            kind = rng.integers(4)
            if kind == 0:
                scores.append(float(rng.integers(50, 100)) / 100.0)
            elif kind == 1:
                scores.append(float(rng.choice(THRESHOLDS_F)) + float(rng.choice([-1e-12, 0.0, 1e-12])))
            else:
                scores.append(float(rng.random()))
    # The file order is not sorted, as in the published files.
    order = rng.permutation(len(info))
    info = np.array(info, dtype="<U28")[order]
    scores = np.clip(np.array(scores, dtype=np.float64)[order], 0.0, 1.0)
    n, raters = len(info), 9
    tensor = np.zeros((raters, n, 3), dtype=np.float64)
    for q in range(n):
        for r in rng.choice(raters, size=5, replace=False):
            tensor[r, q, rng.integers(3)] = 1.0
    np.savez_compressed(out / "scores.npz", tensor=scores, info=info)
    np.savez_compressed(out / "raters.npz", tensor=tensor, info=info, ids=np.arange(100, 100 + raters, dtype=np.int64))
    # A golden-like file: the same layout with 1,135 questions.
    golden_info = np.array([[f"ILSVRC2012_val_{i + 1:08d}.JPEG", "1"] for i in range(1135)], dtype="<U28")
    np.savez_compressed(out / "golden.npz", tensor=np.zeros((5, 1135, 3)), info=golden_info, ids=np.arange(5))

    votes = tensor.sum(axis=0).astype(int)
    expected = {"questions": n, "rated_images": len(set(info[:, 0])), "sets": {}, "votes": []}
    for t in THRESHOLDS:
        sets = {}
        for (name, label), s in zip(info, scores):
            sets.setdefault(name, [])
            if s >= float(t):
                sets[name].append(int(label))
        expected["sets"][t] = {k: sorted(v) for k, v in sets.items()}
    for (name, label), s, v in zip(info, scores, votes):
        expected["votes"].append([str(name), int(label), float(s), [int(x) for x in v]])
    (out / "expected.json").write_text(json.dumps(expected, indent=0) + "\n")


THRESHOLDS_F = [0.5, 0.73, 0.8, 0.85, 0.99]

if __name__ == "__main__":
    main(Path(sys.argv[1]))
