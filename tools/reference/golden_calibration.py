"""Golden checks of calibration: real-eval --json's `calibration` against numpy.

For each file with scores, numpy computes the top-1 confidence on its own (the softmax of a
logits row in float64, a probability as written), bins it into 15 equal-width bins over
[0, 1] and takes ECE = sum over bins of n_b/N * |accuracy_b - mean confidence_b|, under ReaL
over the images it scores and under the original labels over every image. Files whose scores
are no probabilities, or that have none, must say why instead. Also returns the figures the
page's end-to-end test compares with.
"""
import numpy as np

BINS = 15
# real-eval keeps a probability as float32 and exponentiates in float32 (about 2e-7
# relative): ECE moves by far less than this.
ECE_TOL = 1e-5
# A confidence this close to a bin edge may land on either side of it.
EDGE = 2e-6


def softmax_top1(logits):
    """The largest softmax probability of each row, in float64."""
    x = logits.astype(np.float64)
    best = x.max(axis=1, keepdims=True)
    return 1.0 / np.exp(x - best).sum(axis=1)


def reliability(conf, correct):
    """Per-bin counts, correct counts and confidence sums, and the ECE."""
    conf = np.asarray(conf, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    index = np.minimum(np.floor(conf * BINS).astype(np.int64), BINS - 1)
    n = np.bincount(index, minlength=BINS)
    right = np.bincount(index, weights=correct, minlength=BINS)
    total = np.bincount(index, weights=conf, minlength=BINS)
    ece = float(np.abs(right - total).sum() / len(conf)) if len(conf) else None
    near = int((np.abs(conf * BINS - np.round(conf * BINS)) < EDGE * BINS).sum())
    return {"images": n.tolist(), "correct": right.astype(int).tolist(), "ece": ece, "near_edge": near}


def expected(t, images, top1, conf):
    """Both diagrams: images are 0-based positions, top1 sorted-wnid classes (-1 none)."""
    images, top1 = np.asarray(images), np.asarray(top1)
    valid = top1 >= 0
    safe = np.where(valid, top1, 0)
    real_right = t.real[images, safe] & valid
    original_right = (top1 == t.original[images]) & valid
    scored = t.scored[images]
    return {
        "real": reliability(conf[scored], real_right[scored]),
        "original": reliability(conf, original_right),
    }


def calibration_checks(t, got, cases, check):
    """cases: (file name, images, top-1 classes, confidences or None with the reason's words).
    Returns {file name: {"ece_real", "ece_original"}} for the page's test."""
    page = {}
    for name, images, top1, conf, absent in cases:
        obj = got.get(name)
        if obj is None:
            check(f"{name} calibration", False, "no output")
            continue
        cal = obj.get("calibration")
        if conf is None:
            reason = obj.get("calibration_absent") or ""
            check(f"{name} calibration absent", cal is None and absent in reason, f"{cal!r} / {reason!r}")
            continue
        if cal is None:
            check(f"{name} calibration", False, obj.get("calibration_absent"))
            continue
        want = expected(t, images, top1, conf)
        for key in ["real", "original"]:
            g, w = cal[key], want[key]
            counts = [b["images"] for b in g["bins"]]
            check(f"{name} calibration {key} images", g["images"] == sum(w["images"]), f"{g['images']} != {sum(w['images'])}")
            moved = sum(abs(a - b) for a, b in zip(counts, w["images"]))
            check(f"{name} calibration {key} bins", len(counts) == BINS and moved <= 2 * w["near_edge"],
                  f"{counts} != {w['images']} ({w['near_edge']} near an edge)")
            if w["near_edge"] == 0:
                check(f"{name} calibration {key} correct per bin", [b["correct"] for b in g["bins"]] == w["correct"],
                      f"{[b['correct'] for b in g['bins']]} != {w['correct']}")
            check(f"{name} calibration {key} ece", abs(g["ece"] - w["ece"]) < ECE_TOL, f"{g['ece']} != {w['ece']}")
            check(f"{name} calibration ece_{key}", cal[f"ece_{key}"] == g["ece"])
            edges = [(b["low"], b["high"]) for b in g["bins"]]
            check(f"{name} calibration {key} edges", all(abs(lo - i / BINS) < 1e-15 and abs(hi - (i + 1) / BINS) < 1e-15
                                                        for i, (lo, hi) in enumerate(edges)))
        page[name] = {"ece_real": want["real"]["ece"], "ece_original": want["original"]["ece"],
                      "real_images": sum(want["real"]["images"]), "original_images": sum(want["original"]["images"])}
    return page
