#!/usr/bin/env python3
"""Independent numpy computation of ReaL and original accuracy, the golden reference.

It shares no code with the Rust core: labels come from the published real.json (../shared's
copy, or the byte-identical one in timm's wheel) and the pinned tensorflow-datasets / timm /
trojanzoo wheels, and every figure is computed with numpy.

  reference.py FILE.npy      ReaL/original top-1 and top-5 of a filename-order, sorted-wnid
                             .npy (int top-k or float scores), as one JSON line.

Paired comparisons of two models (mcnemar_exact, newcombe_paired) are driven by
compare_reference.py.
"""
import hashlib
import io
import json
import math
import os
import sys
import tarfile
import zipfile
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data", "reassessed-imagenet")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from build_data import REAL_JSON_SHA256, fetch_wheel  # noqa: E402  (pinned wheels only)

CACHE = os.path.join(ROOT, "target", "wheels")


def real_json():
    """The published real.json: ../shared's copy where there is one, else the byte-identical
    copy in timm's wheel (sha256-pinned), so that a clone without ../shared checks the same."""
    path = os.path.join(SHARED, "real.json")
    if os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    timm = fetch_wheel(CACHE, "timm")
    blob = timm.read("timm/data/_info/imagenet_real_labels.json")
    if hashlib.sha256(blob).hexdigest() != REAL_JSON_SHA256:
        sys.exit("timm's imagenet_real_labels.json is not the published real.json")
    return blob


class Truth:
    """The labels, straight from the published files."""

    def __init__(self):
        real = json.loads(real_json())
        self.n = len(real)
        self.real = np.zeros((self.n, 1000), dtype=bool)
        for i, labels in enumerate(real):
            self.real[i, labels] = True
        self.scored = self.real.any(axis=1)
        timm = fetch_wheel(CACHE, "timm")
        self.wnids = timm.read("timm/data/_info/imagenet_synsets.txt").decode().split()
        index = {w: i for i, w in enumerate(self.wnids)}
        lemma = dict(l.split("\t", 1) for l in timm.read("timm/data/_info/imagenet_synset_to_lemma.txt").decode().splitlines() if l)
        self.lemmas = [lemma[w] for w in self.wnids]
        tfds = fetch_wheel(CACHE, "tfds")
        val = tfds.read("tensorflow_datasets/datasets/imagenet2012/validation_labels.txt").decode().split()
        self.original = np.array([index[w] for w in val], dtype=np.int64)
        trojan = fetch_wheel(CACHE, "trojanzoo")
        devkit = tarfile.open(fileobj=io.BytesIO(trojan.read("trojanvision/data/imagenet/ILSVRC2012_devkit_t12.tar.gz")))
        ids = np.loadtxt(devkit.extractfile("ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt"), dtype=np.int64)
        self.class_of_id = np.zeros(1001, dtype=np.int64)
        self.class_of_id[ids] = self.original
        # ImageFolder order: by (wnid folder, file name).
        self.imagefolder = np.lexsort((np.arange(self.n), self.original))


def topk_from_scores(scores, k=5):
    """Best k columns per row, best first; ties to the lower column; NaN lowest."""
    s = np.where(np.isnan(scores), -np.inf, scores.astype(np.float64))
    kth = -np.partition(-s, k - 1, axis=1)[:, k - 1]
    above = s > kth[:, None]
    tie = s == kth[:, None]
    need = k - above.sum(axis=1)
    keep = above | (tie & (np.cumsum(tie, axis=1) <= need[:, None]))
    cols = np.nonzero(keep)[1].reshape(len(s), k)
    vals = np.take_along_axis(s, cols, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(cols, order, axis=1)


def wilson(correct, total, z=1.959963984540054):
    if total == 0:
        return None
    n = float(total)
    p = correct / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [max(c - h, 0.0), min(c + h, 1.0)]


def mcnemar_exact(b, c):
    """Exact two-sided McNemar test, (p, log10 p), in integer arithmetic.

    p = min(1, 2 * P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2), as the exact fraction
    2 * sum(comb(n, i), i <= k) / 2**n; floats appear only when it is rounded at the end
    (correctly, by Fraction) and in log10, taken with 60-digit decimals of the two integers.
    """
    n, k = b + c, min(b, c)
    tail, term = 0, 1
    for i in range(k + 1):
        tail += term
        term = term * (n - i) // (i + 1)  # comb(n, i + 1), exact
    num, den = 2 * tail, 2 ** n
    if num >= den:
        return 1.0, 0.0
    with localcontext() as ctx:
        ctx.prec = 60
        log10 = Decimal(num).log10() - Decimal(den).log10()
    return float(Fraction(num, den)), float(log10)


def newcombe_paired(both, a_only, b_only, neither, z=1.959963984540054):
    """Newcombe (1998) method 10 interval for p_B - p_A from a paired table, plain floats.

    Returns (difference, [low, high]), or (None, None) for an empty table. phi is Newcombe's
    phi-hat: AD - BC (A = both, D = neither) becomes max(AD - BC - n/2, 0) when positive,
    and phi is 0 when any margin is 0.
    """
    n = both + a_only + b_only + neither
    if n == 0:
        return None, None
    p_a, p_b = (both + a_only) / n, (both + b_only) / n
    d = (b_only - a_only) / n
    l_a, u_a = wilson(both + a_only, n, z)
    l_b, u_b = wilson(both + b_only, n, z)
    margins = [both + a_only, b_only + neither, both + b_only, a_only + neither]
    phi = 0.0
    if 0 not in margins:
        ad_bc = both * neither - a_only * b_only
        numerator = max(ad_bc - n / 2, 0.0) if ad_bc > 0 else float(ad_bc)
        phi = numerator / math.sqrt(math.prod(margins))
    lower = (p_b - l_b) ** 2 - 2 * phi * (p_b - l_b) * (u_a - p_a) + (u_a - p_a) ** 2
    upper = (u_b - p_b) ** 2 - 2 * phi * (u_b - p_b) * (p_a - l_a) + (p_a - l_a) ** 2
    return d, [max(d - math.sqrt(max(lower, 0.0)), -1.0), min(d + math.sqrt(max(upper, 0.0)), 1.0)]


def metrics(truth, images, top):
    """images: 0-based positions (distinct); top: (n, k) sorted-wnid classes, -1 for none."""
    images = np.asarray(images)
    top = np.asarray(top).reshape(len(images), -1)
    k = top.shape[1]
    valid = top >= 0
    safe = np.where(valid, top, 0)
    real_hit = truth.real[images[:, None], safe] & valid
    orig_hit = (top == truth.original[images][:, None]) & valid
    scored = truth.scored[images]
    out = {"images": int(len(images)), "scored": int(scored.sum()), "excluded": int((~scored).sum()), "k": int(k)}
    for kk in range(1, k + 1):
        rc = int((real_hit[:, :kk].any(axis=1) & scored).sum())
        oc = int(orig_hit[:, :kk].any(axis=1).sum())
        out[f"real_top{kk}_correct"] = rc
        out[f"real_top{kk}"] = rc / out["scored"] if out["scored"] else None
        out[f"original_top{kk}_correct"] = oc
        out[f"original_top{kk}"] = oc / len(images)
    out["real_top1_interval"] = wilson(out["real_top1_correct"], out["scored"])
    out["original_top1_interval"] = wilson(out["original_top1_correct"], len(images))
    # Original top-1 on ReaL's denominator: the images with a non-empty ReaL set.
    on_scored = int((orig_hit[:, 0] & scored).sum())
    out["original_top1_on_scored_correct"] = on_scored
    out["original_top1_on_scored"] = on_scored / out["scored"] if out["scored"] else None
    out["original_top1_on_scored_interval"] = wilson(on_scored, out["scored"])
    r1, o1 = real_hit[:, 0] & scored, orig_hit[:, 0]
    out["split"] = {
        "both": int((r1 & o1 & scored).sum()),
        "real_only": int((r1 & ~o1 & scored).sum()),
        "original_only": int((~r1 & o1 & scored).sum()),
        "neither": int((~r1 & ~o1 & scored).sum()),
    }
    cls = truth.original[images]
    out["per_class_real_correct"] = np.bincount(cls[scored], weights=r1[scored], minlength=1000).astype(int).tolist()
    out["per_class_real_total"] = np.bincount(cls[scored], minlength=1000).tolist()
    out["per_class_original_correct"] = np.bincount(cls, weights=o1, minlength=1000).astype(int).tolist()
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    truth = Truth()
    a = np.load(sys.argv[1])
    top = topk_from_scores(a) if a.dtype.kind == "f" else a.reshape(len(a), -1)
    m = metrics(truth, np.arange(len(a)), top)
    print(json.dumps({k: v for k, v in m.items() if not k.startswith("per_class")}))


if __name__ == "__main__":
    main()
