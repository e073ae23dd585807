#!/usr/bin/env python3
"""Golden test: writes one synthetic model's predictions in every supported format, computes
the expected figures with reference.py (numpy), runs real-eval --json on all files and
compares. Then writes two label files and three models, runs real-eval --json --labels …
--compare, and checks every label-set figure and every paired comparison against numpy and
exact integer arithmetic (label_checks below). Then writes a cleanlab crowd-votes file and an
imagenet-mistakes file in their published layouts and checks the crowd-corrected label set and
the mistakes figures of two models against numpy (relabel_checks below). The calibration of
every file with scores (top-1 confidence bins and ECE under ReaL and the original labels) is
checked against numpy in golden_calibration.py. Ends with 'N passed, M failed'; exits 1 on any
failure.

  golden.py REAL_EVAL_BINARY [WORK_DIR]
"""
import json
import math
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np

from golden_calibration import calibration_checks, softmax_top1
from golden_evidence import evidence_checks
from reference import Truth, metrics, topk_from_scores

TOL = 1e-12


def write_npy(path, a, fortran=False):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.asfortranarray(a) if fortran else np.ascontiguousarray(a))


def np_cell(row):
    return np.array2string(np.asarray(row))


def main():
    binary = sys.argv[1]
    work = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(binary), "golden")
    os.makedirs(work, exist_ok=True)
    t = Truth()
    n = t.n
    rng = np.random.default_rng(2020)

    # A synthetic model: mostly right about the original label, sometimes right only under
    # ReaL (another valid label), otherwise random.
    target = rng.integers(0, 1000, n)
    u = rng.random(n)
    target[u < 0.70] = t.original[u < 0.70]
    for i in np.nonzero((u >= 0.70) & (u < 0.80) & t.scored)[0]:
        target[i] = rng.choice(np.nonzero(t.real[i])[0])
    logits = rng.standard_normal((n, 1000), dtype=np.float32)
    logits[np.arange(n), target] += np.float32(4.5)
    top5 = topk_from_scores(logits, 5)
    all_rows = np.arange(n)
    cases = []  # (file, expected order, expected convention, images, top (sorted-wnid, -1 none), rows)

    def case(name, order, convention, images, top, rows=None):
        cases.append((os.path.join(work, name), order, convention, np.asarray(images), np.asarray(top), rows or len(images)))

    # .npy float32 logits, C order, filename order.
    write_npy(os.path.join(work, "logits_f32.npy"), logits)
    case("logits_f32.npy", "filename", "sorted-wnid", all_rows, top5)
    # .npy float16, big-endian, Fortran order, ImageFolder order (ties appear in float16).
    half = logits[t.imagefolder].astype(">f2")
    write_npy(os.path.join(work, "logits_f16_be_fortran_imagefolder.npy"), half, fortran=True)
    case("logits_f16_be_fortran_imagefolder.npy", "imagefolder", "sorted-wnid", t.imagefolder,
         topk_from_scores(half.astype(np.float32), 5))
    # .npz (compressed): TF-slim 1001-column probabilities for the first 10,000 images.
    sub = logits[:10000].astype(np.float64)
    probs = np.exp(sub - sub.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    slim = np.concatenate([np.full((10000, 1), 1e-9), probs], axis=1).astype(np.float32)
    np.savez_compressed(os.path.join(work, "tfslim.npz"), probs=slim)
    slim_top = topk_from_scores(slim, 5) - 1
    case("tfslim.npz", "filename", "tf-slim-1001", np.arange(10000), slim_top)
    # .npy int16 big-endian top-5, ImageFolder order.
    write_npy(os.path.join(work, "top5_i2_be_imagefolder.npy"), top5[t.imagefolder].astype(">i2"))
    case("top5_i2_be_imagefolder.npy", "imagefolder", "sorted-wnid", t.imagefolder, top5[t.imagefolder])
    # .npy uint8? too narrow; int64 1-based top-1.
    write_npy(os.path.join(work, "top1_1based.npy"), top5[:, 0].astype(np.int64) + 1)
    case("top1_1based.npy", "filename", "sorted-wnid-1based", all_rows, top5[:, :1])
    # Devkit submission: 5 ILSVRC2012_IDs a line.
    id_of_class = np.zeros(1000, dtype=np.int64)
    id_of_class[t.class_of_id[1:]] = np.arange(1, 1001)
    with open(os.path.join(work, "devkit_submission.txt"), "w") as f:
        for row in id_of_class[top5]:
            f.write(" ".join(map(str, row)) + "\n")
    case("devkit_submission.txt", "filename", "ilsvrc2012-id", all_rows, top5)
    # timm CSV, top-5 numpy print-outs, rows shuffled, names with folder prefixes.
    perm = rng.permutation(n)
    probs5 = np.sort(rng.random((n, 5)).astype(np.float32), axis=1)[:, ::-1]
    with open(os.path.join(work, "timm_top5.csv"), "w") as f:
        f.write("filename,index,label,prob\n")
        for i in perm:
            labels = "[" + " ".join(repr(t.lemmas[c]) for c in top5[i]) + "]"
            labels = '"' + labels.replace('"', '""') + '"'
            probs_cell = np.array2string(probs5[i], max_line_width=40)
            f.write(f"{t.wnids[t.original[i]]}/ILSVRC2012_val_{i + 1:08d}.JPEG,{np_cell(top5[i])},{labels},\"{probs_cell}\"\n")
    case("timm_top5.csv", "named", "sorted-wnid", perm, top5[perm])
    # timm TSV with separate index_N columns, 20,000 images, one repeated row (first kept).
    some = rng.choice(n, 20000, replace=False)
    with open(os.path.join(work, "timm_separate.tsv"), "w") as f:
        f.write("filename\t" + "\t".join(f"index_{j}" for j in range(5)) + "\t" + "\t".join(f"prob_{j}" for j in range(5)) + "\n")
        for i in list(some) + [some[0]]:
            # The repeated last row disagrees with the first; the first must be kept.
            row = (top5[i] + 1) % 1000 if f.tell() > 1000 and i == some[0] else top5[i]
            f.write(f"ILSVRC2012_val_{i + 1:08d}.JPEG\t" + "\t".join(map(str, row)) + "\t" + "\t".join(f"{p:.4f}" for p in probs5[i]) + "\n")
    case("timm_separate.tsv", "named", "sorted-wnid", some, top5[some], rows=20001)
    # timm CSV, label only (top-1 by name): names shared by two classes count as no prediction.
    # A full lemma text names its class unless two classes share it ("crane").
    def by_name(text):
        owners = [c for c, full in enumerate(t.lemmas) if full == text]
        return owners[0] if len(owners) == 1 else -1
    name_class = np.array([by_name(t.lemmas[c]) for c in range(1000)])
    with open(os.path.join(work, "timm_labels.csv"), "w") as f:
        f.write("filename,label,prob\n")
        for i in range(n):
            label = t.lemmas[top5[i, 0]]
            f.write(f"ILSVRC2012_val_{i + 1:08d}.JPEG,\"{label}\",{probs5[i, 0]:.5f}\n")
    case("timm_labels.csv", "named", "class-name", all_rows, name_class[top5[:, :1]])
    # timm JSON keyed by file name.
    with open(os.path.join(work, "timm.json"), "w") as f:
        json.dump({f"ILSVRC2012_val_{i + 1:08d}.JPEG": {"index": top5[i].tolist(), "label": [t.lemmas[c] for c in top5[i]],
                                                       "prob": probs5[i].tolist()} for i in range(n)}, f)
    case("timm.json", "named", "sorted-wnid", all_rows, top5)
    # Hugging Face pipeline output, filename order, top-3 by label.
    with open(os.path.join(work, "hf_pipeline.json"), "w") as f:
        json.dump([[{"label": t.lemmas[c], "score": float(probs5[i, j])} for j, c in enumerate(top5[i, :3])] for i in range(n)], f)
    case("hf_pipeline.json", "filename", "class-name", all_rows, name_class[top5[:, :3]])
    # Caffe-style lines for 30,000 images, with a path prefix.
    part = np.sort(rng.choice(n, 30000, replace=False))
    with open(os.path.join(work, "caffe.txt"), "w") as f:
        for i in part:
            f.write(f"val.zip@/ILSVRC2012_val_{i + 1:08d}.JPEG {top5[i, 0]}\n")
    case("caffe.txt", "named", "sorted-wnid", part, top5[part, :1])
    # JSON list of top-1 ints.
    with open(os.path.join(work, "top1.json"), "w") as f:
        json.dump(top5[:, 0].tolist(), f)
    case("top1.json", "filename", "sorted-wnid", all_rows, top5[:, :1])

    bad = os.path.join(work, "truncated.npy")
    with open(os.path.join(work, "logits_f32.npy"), "rb") as src, open(bad, "wb") as dst:
        dst.write(src.read(4_000_000))

    files = [c[0] for c in cases]
    proc = subprocess.run([binary, "--json", "--per-class", files[0], bad] + files[1:], capture_output=True, text=True)
    got = {}
    for line in proc.stdout.splitlines():
        obj = json.loads(line)
        got[obj["file"]] = obj
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name} {detail}")

    check("bad file exits 2", proc.returncode == 2, f"exit {proc.returncode}")
    err = proc.stderr.strip().splitlines()
    check("bad file: one stderr line naming it", len(err) == 1 and "truncated.npy" in err[0] and "truncated" in err[0].split(":", 2)[-1], proc.stderr)
    for path, order, convention, images, top, rows in cases:
        name = os.path.basename(path)
        obj = got.get(path)
        if obj is None:
            check(name, False, "no output")
            continue
        want = metrics(t, images, top)
        check(f"{name} order", obj["order"] == order, f"{obj['order']} != {order}")
        check(f"{name} convention", obj["class_convention"] == convention, f"{obj['class_convention']} != {convention}")
        check(f"{name} rows", obj["rows"] == rows, f"{obj['rows']} != {rows}")
        check(f"{name} clear", obj["detection"]["clear"], obj["detection"]["summary"])
        for key in ["images", "scored", "excluded", "real_top1_correct", "original_top1_correct", "split"]:
            check(f"{name} {key}", obj[key] == want[key], f"{obj[key]} != {want[key]}")
        for key in ["real_top1", "original_top1", "original_top1_on_scored", "original_top1_on_scored_correct"]:
            check(f"{name} {key}", obj[key] == want[key], f"{obj[key]!r} != {want[key]!r}")
        for key in ["real_top1_interval", "original_top1_interval", "original_top1_on_scored_interval"]:
            g, w = obj[key], want[key]
            check(f"{name} {key}", abs(g["low"] - w[0]) < TOL and abs(g["high"] - w[1]) < TOL, f"{g} != {w}")
        if want["k"] >= 5:
            for key in ["real_top5", "real_top5_correct", "original_top5", "original_top5_correct"]:
                check(f"{name} {key}", obj[key] == want[key], f"{obj[key]} != {want[key]}")
        else:
            check(f"{name} top5 null", obj["real_top5"] is None and obj["original_top5"] is None)
        per = obj["per_class"]
        check(f"{name} per-class", [p["real"]["correct"] for p in per] == want["per_class_real_correct"]
              and [p["real"]["total"] for p in per] == want["per_class_real_total"]
              and [p["original"]["correct"] for p in per] == want["per_class_original_correct"])
    # Calibration: the top-1 confidence of each file with scores, from numpy alone.
    by_name = {os.path.basename(c[0]): c for c in cases}
    got_by_name = {os.path.basename(k): v for k, v in got.items()}

    def top1_of(name):
        return by_name[name][4][:, 0]

    calibration_cases = [
        ("logits_f32.npy", all_rows, top1_of("logits_f32.npy"), softmax_top1(logits), None),
        ("logits_f16_be_fortran_imagefolder.npy", t.imagefolder, top1_of("logits_f16_be_fortran_imagefolder.npy"),
         softmax_top1(half.astype(np.float64)), None),
        # Probabilities as written (float32), the background column included.
        ("tfslim.npz", np.arange(10000), slim_top[:, 0], slim.max(axis=1).astype(np.float64), None),
        # One probability a row, as the CSV writes it (5 decimals).
        ("timm_labels.csv", all_rows, top1_of("timm_labels.csv"),
         np.array([float(f"{p:.5f}") for p in probs5[:, 0]], dtype=np.float32).astype(np.float64), None),
        # Five random numbers a row: they sum past 1, no distribution.
        ("timm_top5.csv", None, None, None, "not probabilities"),
        ("top5_i2_be_imagefolder.npy", None, None, None, "class indices only"),
    ]
    calibration_page = calibration_checks(t, got_by_name, calibration_cases, check)
    label_checks(t, binary, work, top5, check)
    model_a = os.path.join(work, "labels", "model_a.npy")
    evidence_checks(t, binary, work, model_a, np.arange(n), top5.astype(np.int64), label_figures, check)
    relabel_checks(t, binary, work, top5, check)
    # The browser test checks the page against the same reference figures.
    expected = {}
    for path, order, convention, images, top, rows in cases:
        m = metrics(t, images, top)
        expected[os.path.basename(path)] = {k: v for k, v in m.items() if not k.startswith("per_class")}
        expected[os.path.basename(path)].update(order=order, class_convention=convention)
        if os.path.basename(path) in calibration_page:
            expected[os.path.basename(path)]["calibration"] = calibration_page[os.path.basename(path)]
    with open(os.path.join(work, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(f"golden: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


# --- Label sets and paired comparisons -----------------------------------------------------

LOG10_RTOL = 1e-9


def wilson_float(correct, total, z=1.959963984540054):
    """The Wilson score interval in plain floats (the Newcombe interval is built from it)."""
    n = float(total)
    p = correct / n
    d = 1.0 + z * z / n
    c = (p + z * z / (2.0 * n)) / d
    h = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / d
    return max(c - h, 0.0), min(c + h, 1.0)


def newcombe_paired(both, a_only, b_only, neither):
    """Newcombe (1998, Stat Med 17:2635) method 10 for p_B - p_A on paired data: Wilson
    limits of each proportion, combined with the phi correlation of the 2x2 table, with
    A.D - B.C moved towards 0 by n/2 when positive (0 when it is between 0 and n/2)."""
    n = both + a_only + b_only + neither
    if n == 0:
        return None
    # Newcombe's table: rows B right/wrong, columns A right/wrong.
    e, f, g, h = both, b_only, a_only, neither
    p1, p2 = (e + f) / n, (e + g) / n  # B's accuracy, A's accuracy
    l1, u1 = wilson_float(e + f, n)
    l2, u2 = wilson_float(e + g, n)
    cross = e * h - f * g  # exact integers
    if cross > n / 2:
        corrected = cross - n / 2
    elif cross < 0:
        corrected = cross
    else:
        corrected = 0
    marginals = (e + f) * (g + h) * (e + g) * (f + h)
    phi = corrected / math.sqrt(marginals) if marginals > 0 else 0.0
    d = p1 - p2
    low = d - math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    high = d + math.sqrt(max((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2, 0.0))
    return max(low, -1.0), min(high, 1.0)


def mcnemar_exact(b, c):
    """Two-sided exact McNemar p with exact integers: min(1, 2 P(X <= min(b, c))), X ~
    Binomial(b + c, 1/2). Returns (p as a Fraction, log10 p from the exact integers)."""
    n = b + c
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    p = min(Fraction(1), Fraction(2 * tail, 2 ** n))
    if p == 1:
        return p, 0.0
    # log10 of exact integers (math.log10 takes any int), so no float underflow.
    return p, math.log10(2 * tail) - n * math.log10(2)


def perturbed_real(t, rng):
    """The published ReaL sets changed in numpy: some sets cut to their first label, others
    given a second label, a few emptied, some empty sets given the original label."""
    sets = t.real.copy()
    n = t.n
    u = rng.random(n)
    multi = sets.sum(axis=1) >= 2
    cut = np.nonzero(multi & (u < 0.3))[0]
    first = sets[cut].argmax(axis=1)
    sets[cut] = False
    sets[cut, first] = True
    grow = np.nonzero((u >= 0.3) & (u < 0.42) & t.scored)[0]
    sets[grow, rng.integers(0, 1000, len(grow))] = True
    empty = np.nonzero((u >= 0.42) & (u < 0.44))[0]
    sets[empty] = False
    fill = np.nonzero(~t.scored & (u >= 0.5))[0]
    sets[fill, t.original[fill]] = True
    return sets


def relabel_subset(t, rng):
    """A name-keyed relabeling of 15,000 images: mostly the original label, else the ReaL
    set, nothing, or a random class."""
    images = np.sort(rng.choice(t.n, 15000, replace=False))
    sets = np.zeros((t.n, 1000), dtype=bool)
    u = rng.random(len(images))
    for i, v in zip(images, u):
        if v < 0.7:
            sets[i, t.original[i]] = True
        elif v < 0.9:
            sets[i] = t.real[i]
        elif v < 0.95:
            pass
        else:
            sets[i, rng.integers(0, 1000)] = True
    covered = np.zeros(t.n, dtype=bool)
    covered[images] = True
    return sets, covered


def name(i):
    return f"ILSVRC2012_val_{i + 1:08d}.JPEG"


def label_figures(sets, covered, images, top):
    """Every label_sets figure of a model (images: positions; top: (m, k), -1 none)."""
    images = np.asarray(images)
    top = np.asarray(top).reshape(len(images), -1)
    k = top.shape[1]
    valid = top >= 0
    hit = sets[images[:, None], np.where(valid, top, 0)] & valid
    cov = covered[images]
    nonempty = sets[images].any(axis=1)
    scored = cov & nonempty
    out = {
        "scored": int(scored.sum()),
        "excluded": int((cov & ~nonempty).sum()),
        "missing": int(covered.sum() - cov.sum()),
    }
    for kk in (1, 5):
        if kk > k:
            out.update({f"top{kk}": None, f"top{kk}_correct": None, f"top{kk}_interval": None})
            continue
        c = int((hit[:, :kk].any(axis=1) & scored).sum())
        out[f"top{kk}_correct"] = c
        out[f"top{kk}"] = c / out["scored"] if out["scored"] else None
        out[f"top{kk}_interval"] = list(wilson_float(c, out["scored"])) if out["scored"] else None
    # Per image position: scored under the set, and top-1 right.
    right = np.zeros(len(sets), dtype=bool)
    right[images] = hit[:, 0]
    on = np.zeros(len(sets), dtype=bool)
    on[images] = scored
    return out, on, right


def label_checks(t, binary, work, top5, check):
    rng = np.random.default_rng(2021)
    n = t.n
    folder = os.path.join(work, "labels")
    os.makedirs(folder, exist_ok=True)
    real2 = perturbed_real(t, rng)
    real2_path = os.path.join(folder, "real.json")
    with open(real2_path, "w") as f:
        json.dump([np.nonzero(row)[0].tolist() for row in real2], f)
    relabel, relabel_covered = relabel_subset(t, rng)
    relabel_path = os.path.join(folder, "relabel.json")
    with open(relabel_path, "w") as f:
        json.dump({name(i): np.nonzero(relabel[i])[0].tolist() for i in np.nonzero(relabel_covered)[0]}, f)
    everything = np.ones(n, dtype=bool)
    original = np.zeros((n, 1000), dtype=bool)
    original[np.arange(n), t.original] = True
    label_sets = {
        "original": (original, everything),
        "real": (t.real, everything),
        "real-2": (real2, everything),
        "relabel": (relabel, relabel_covered),
    }

    # Model A: the golden model's top-5. Model B: A with 400 wrong top-1s put right and 300
    # right ones put wrong, for 40,000 images named in a shuffled .npz. Model C: another
    # model's top-1 as a JSON list.
    a_top = top5.astype(np.int64)
    b_top = a_top.copy()
    a_wrong = np.nonzero(a_top[:, 0] != t.original)[0]
    a_right = np.nonzero(a_top[:, 0] == t.original)[0]
    for i in rng.choice(a_wrong, 400, replace=False):
        b_top[i] = [t.original[i]] + [c for c in a_top[i] if c != t.original[i]][:4]
    for i in rng.choice(a_right, 300, replace=False):
        b_top[i] = np.roll(a_top[i], -1)
    b_images = rng.choice(n, 40000, replace=False)
    c_top = rng.integers(0, 1000, n)
    right = rng.random(n) < 0.4
    c_top[right] = t.original[right]
    models = [
        (os.path.join(folder, "model_a.npy"), np.arange(n), a_top),
        (os.path.join(folder, "model_b.npz"), b_images, b_top[b_images]),
        (os.path.join(folder, "model_c.json"), np.arange(n), c_top[:, None]),
    ]
    write_npy(models[0][0], a_top.astype(np.int16))
    np.savez(models[1][0], top5=b_top[b_images].astype(np.int32), filenames=np.array([name(i) for i in b_images]))
    with open(models[2][0], "w") as f:
        json.dump(c_top.tolist(), f)

    proc = subprocess.run([binary, "--json", "--labels", real2_path, "--labels", relabel_path, "--compare"]
                          + [m[0] for m in models], capture_output=True, text=True)
    check("labels: exit 0", proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr}")
    err = proc.stderr.strip().splitlines()
    check("labels: one warning line, for the partial label file",
          len(err) == 1 and err[0].startswith(f"real-eval: {relabel_path}: warning: the file covers 15,000 of"), proc.stderr)
    lines = [json.loads(l) for l in proc.stdout.splitlines()]
    files = [l for l in lines if "kind" not in l]
    comparisons = [l for l in lines if l.get("kind") == "comparison"]
    check("labels: a line per file", [l["file"] for l in files] == [m[0] for m in models], [l.get("file") for l in files])
    check("compare: a line per pair and label set", len(comparisons) == 2 * len(label_sets), len(comparisons))

    def close(a, b, tol=TOL):
        if a is None or b is None:
            return a is None and b is None
        if isinstance(b, list):
            return isinstance(a, dict) and abs(a["low"] - b[0]) <= tol and abs(a["high"] - b[1]) <= tol
        return abs(a - b) <= tol

    standing = {}
    # The numpy figures, kept for the page's end-to-end tests (e2e/workspace.test.mjs).
    page_expected = {"label_sets": {}, "comparisons": []}
    for (path, images, top), obj in zip(models, files):
        base = os.path.basename(path)
        page_expected["label_sets"][base] = {
            key: label_figures(sets, covered, images, top)[0] for key, (sets, covered) in label_sets.items()
        }
        got = obj.get("label_sets", {})
        check(f"{base} label_sets keys in order", list(got) == list(label_sets), list(got))
        for key, (sets, covered) in label_sets.items():
            want, on, right = label_figures(sets, covered, images, top)
            standing[(path, key)] = (on, right)
            g = got.get(key, {})
            for field, w in want.items():
                v = g.get(field, "absent")
                if field in ("scored", "excluded", "missing", "top1_correct", "top5_correct"):
                    ok = v == w and (v is None or type(v) is int)
                else:
                    ok = v != "absent" and close(v, w)
                check(f"{base} {key} {field}", ok, f"{v} != {w}")
        # The built-in label sets agree with the long-standing keys.
        for key in ("original", "real"):
            check(f"{base} {key} = {key}_top1_correct", got.get(key, {}).get("top1_correct") == obj[f"{key}_top1_correct"])

    # The four-way split of each model's top-1 between two loaded label sets, for the page.
    page_expected["splits"] = {}
    for path, _, _ in models:
        f_on, f_right = standing[(path, "relabel")]
        s_on, s_right = standing[(path, "real-2")]
        on = f_on & s_on
        page_expected["splits"][os.path.basename(path)] = {
            "first": "relabel", "second": "real-2",
            "both": int((on & f_right & s_right).sum()),
            "real-only": int((on & f_right & ~s_right).sum()),
            "original-only": int((on & ~f_right & s_right).sum()),
            "neither": int((on & ~f_right & ~s_right).sum()),
        }
    a_path = models[0][0]
    pairs = [(m[0], key) for m in models[1:] for key in label_sets]
    check("compare: pairs in order", [(c["b"], c["labels"]) for c in comparisons] == pairs,
          [(c.get("b"), c.get("labels")) for c in comparisons])
    p_values = []
    for c in comparisons:
        b_path, key = c["b"], c["labels"]
        label = f"compare {os.path.basename(b_path)} {key}"
        if (b_path, key) not in standing:
            check(label, False, "unexpected pair")
            continue
        check(f"{label} a", c["a"] == a_path, c["a"])
        a_on, a_right = standing[(a_path, key)]
        b_on, b_right = standing[(b_path, key)]
        on = a_on & b_on
        cells = {
            "both": int((on & a_right & b_right).sum()),
            "a_only": int((on & a_right & ~b_right).sum()),
            "b_only": int((on & ~a_right & b_right).sum()),
            "neither": int((on & ~a_right & ~b_right).sum()),
        }
        images = int(on.sum())
        for field, w in dict(cells, images=images).items():
            check(f"{label} {field}", c.get(field) == w and type(c.get(field)) is int, f"{c.get(field)} != {w}")
        want_difference = (cells["b_only"] - cells["a_only"]) / images
        check(f"{label} difference", close(c.get("difference"), want_difference), f"{c.get('difference')} != {want_difference}")
        want_interval = list(newcombe_paired(cells["both"], cells["a_only"], cells["b_only"], cells["neither"]))
        check(f"{label} difference_interval", close(c.get("difference_interval"), want_interval),
              f"{c.get('difference_interval')} != {want_interval}")
        p, log10_p = mcnemar_exact(cells["a_only"], cells["b_only"])
        page_expected["comparisons"].append(dict(
            cells, a=os.path.basename(a_path), b=os.path.basename(b_path), labels=key, images=images,
            difference=want_difference, mcnemar_p=float(p), mcnemar_log10_p=float(log10_p)))
        got_p, got_log = c.get("mcnemar_p"), c.get("mcnemar_log10_p")
        want_p = float(p)  # correctly rounded from the exact fraction
        p_ok = isinstance(got_p, (int, float)) and abs(got_p - want_p) <= TOL
        if want_p > 1e-290:
            p_ok = p_ok and abs(got_p - want_p) <= LOG10_RTOL * want_p
        check(f"{label} mcnemar_p", p_ok, f"{got_p} != {want_p}")
        log_ok = isinstance(got_log, (int, float)) and (
            abs(got_log - log10_p) <= LOG10_RTOL * abs(log10_p) if log10_p else abs(got_log) <= TOL)
        check(f"{label} mcnemar_log10_p", log_ok, f"{got_log} != {log10_p}")
        p_values.append(log10_p)
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(page_expected, f)
    # The data must exercise both a moderate p and one far below what a float can hold.
    check("compare: a moderate p is among the comparisons", any(-3 < v < 0 for v in p_values), p_values)
    check("compare: a p below 1e-308 is among the comparisons", any(v < -308 for v in p_values), p_values)


# --- Published relabelings -----------------------------------------------------------------

# Every spelling of each category the published files use, and others a tolerant reader takes.
CATEGORY_SPELLINGS = {
    "fine-grained": ["Fine-grained error", "fine-grained"],
    "fine-grained-oov": ["Fine-grained error with OOV", "Fine-grained with OOV"],
    "fine-grained-multilabel": ["Fine-grained with Multilabel Options"],
    "spurious-correlation": ["Spurious Correlation", "spurious correlations"],
    "non-prototypical": ["Non-prototypical", "NON-PROTOTYPICAL"],
}
SEVERITIES = ["minor", "borderline", "major"]


def crowd_sets(t, images, given, guessed, votes):
    """The original labels, corrected where 3 of the 5 workers agree: the guessed label alone,
    both labels, or none. votes: (m, 4) given, guessed, neither, both."""
    sets = np.zeros((t.n, 1000), dtype=bool)
    sets[np.arange(t.n), t.original] = True
    g, q, ne, b = votes.T
    for col in (g, q, ne, b):
        assert ((col >= 3).astype(int) <= 1).all()
    rows = images[q >= 3]
    sets[rows] = False
    sets[rows, guessed[q >= 3]] = True
    rows = images[b >= 3]
    sets[rows, guessed[b >= 3]] = True
    sets[images[ne >= 3]] = False
    return sets


def relabel_checks(t, binary, work, top5, check):
    rng = np.random.default_rng(2022)
    n = t.n
    folder = os.path.join(work, "relabel")
    os.makedirs(folder, exist_ok=True)

    # cleanlab's layout: a list of records whose id is the 1-based file number.
    images = rng.choice(n, 3000, replace=False)
    given = t.original[images]
    guessed = (given + rng.integers(1, 1000, len(images))) % 1000
    votes = rng.multinomial(5, [0.35, 0.3, 0.15, 0.2], size=len(images))  # given, guessed, neither, both
    records = [{
        "id": int(i + 1),
        "url": f"https://labelerrors.com//static/imagenet/val/{t.wnids[g]}/{name(i)}",
        "given_original_label": int(g), "given_original_label_name": t.lemmas[g].split(",")[0],
        "our_guessed_label": int(q), "our_guessed_label_name": t.lemmas[q].split(",")[0],
        "mturk": {"given": int(v[0]), "guessed": int(v[1]), "neither": int(v[2]), "both": int(v[3])},
    } for i, g, q, v in zip(images, given, guessed, votes)]
    mturk_path = os.path.join(folder, "imagenet_mturk.json")
    with open(mturk_path, "w") as f:
        json.dump(records, f, indent=2)
    crowd = crowd_sets(t, images, given, guessed, votes)
    everything = np.ones(n, dtype=bool)
    check("crowd: the votes reach every threshold",
          all(((votes[:, j] == 3).any() and (votes[:, j] == 2).any()) for j in range(4)))

    # imagenet-mistakes' layout: an object keyed by file name. Half the predictions are the
    # golden model's own top-1, so that "same prediction" counts something.
    m_images = rng.choice(n, 600, replace=False)
    prediction = rng.integers(0, 1000, len(m_images))
    own = rng.random(len(m_images)) < 0.5
    prediction[own] = top5[m_images[own], 0]
    keys = list(CATEGORY_SPELLINGS)
    category = rng.integers(0, len(keys), len(m_images))
    severity = rng.integers(0, 3, len(m_images))
    entries = {}
    for i, p, c, s in zip(m_images, prediction, category, severity):
        spelling = CATEGORY_SPELLINGS[keys[c]][rng.integers(0, len(CATEGORY_SPELLINGS[keys[c]]))]
        sev = SEVERITIES[s]
        sev = [sev, sev.capitalize(), sev.upper()][rng.integers(0, 3)]
        entries[name(i)] = {"top_prediction": int(p), "failure category": spelling, "failure severity": sev}
    mistakes_path = os.path.join(folder, "vit3b_mistakes.json")
    with open(mistakes_path, "w") as f:
        json.dump(entries, f)

    # Model A: the golden model's top-5 for every image; model B: its top-1 for 30,000 images.
    a_path = os.path.join(folder, "model_a.npy")
    write_npy(a_path, top5.astype(np.int16))
    b_images = rng.choice(n, 30000, replace=False)
    b_path = os.path.join(folder, "model_b.txt")
    with open(b_path, "w") as f:
        for i in b_images:
            f.write(f"{name(i)} {top5[i, 0]}\n")
    models = [(a_path, np.arange(n), top5), (b_path, b_images, top5[b_images, :1])]

    proc = subprocess.run([binary, "--json", "--relabelings", mturk_path, "--relabelings", mistakes_path]
                          + [m[0] for m in models], capture_output=True, text=True)
    check("relabelings: exit 0, nothing on stderr", proc.returncode == 0 and not proc.stderr,
          f"exit {proc.returncode}: {proc.stderr}")
    lines = [json.loads(l) for l in proc.stdout.splitlines()]
    check("relabelings: a line per file", [l.get("file") for l in lines] == [m[0] for m in models])
    for (path, m_rows, top), obj in zip(models, lines):
        base = os.path.basename(path)
        got = obj.get("label_sets", {})
        check(f"{base} crowd label set after the built-in ones", list(got) == ["original", "real", "crowd"], list(got))
        want, _, _ = label_figures(crowd, everything, m_rows, top)
        g = got.get("crowd", {})
        for field, w in want.items():
            v = g.get(field, "absent")
            if field in ("scored", "excluded", "missing", "top1_correct", "top5_correct"):
                ok = v == w and (v is None or type(v) is int)
            else:
                ok = v != "absent" and (v is None and w is None or v is not None and w is not None and (
                    abs(v["low"] - w[0]) <= TOL and abs(v["high"] - w[1]) <= TOL if isinstance(w, list) else abs(v - w) <= TOL))
            check(f"{base} crowd {field}", ok, f"{v} != {w}")

        # The mistakes figures: per category and per severity, over the model's top-1.
        top1 = np.full(n, -1)
        top1[m_rows] = top[:, 0]
        has = np.zeros(n, dtype=bool)
        has[m_rows] = True

        def counts(mask):
            rows = m_images[mask]
            p = has[rows]
            t1 = top1[rows]
            return {
                "images": int(mask.sum()),
                "predicted": int(p.sum()),
                "original_correct": int((p & (t1 == t.original[rows])).sum()),
                "real_scored": int((p & t.scored[rows]).sum()),
                "real_correct": int((p & (t1 >= 0) & t.real[rows, np.maximum(t1, 0)]).sum()),
                "same_prediction": int((p & (t1 == prediction[mask])).sum()),
            }

        sections = obj.get("mistakes", [])
        check(f"{base} one mistakes section", len(sections) == 1, sections)
        got_m = sections[0] if sections else {}
        check(f"{base} mistakes file and model", got_m.get("file") == mistakes_path and got_m.get("model") == "ViT-3B",
              (got_m.get("file"), got_m.get("model")))
        check(f"{base} mistakes all", got_m.get("all") == counts(np.ones(len(m_images), dtype=bool)),
              f"{got_m.get('all')} != {counts(np.ones(len(m_images), dtype=bool))}")
        want_cat = {k: counts(category == j) for j, k in enumerate(keys)}
        check(f"{base} mistakes by_category", got_m.get("by_category") == want_cat, f"{got_m.get('by_category')} != {want_cat}")
        check(f"{base} mistakes by_category in order", list(got_m.get("by_category", {})) == keys)
        want_sev = {k: counts(severity == j) for j, k in enumerate(SEVERITIES)}
        check(f"{base} mistakes by_severity", got_m.get("by_severity") == want_sev, f"{got_m.get('by_severity')} != {want_sev}")
    check("mistakes: same prediction counted", lines and lines[0]["mistakes"][0]["all"]["same_prediction"] > 0)
    # For the page's end-to-end test: model A under the crowd set, a few images' votes (one
    # the crowd rejects), and the images the crowd rejects.
    rejected = images[(votes[:, 0] + votes[:, 3]) < 3]
    page = {
        "crowd": label_figures(crowd, everything, np.arange(n), top5)[0],
        "votes": {str(int(i) + 1): {"given": int(v[0]), "guessed": int(v[1]), "both": int(v[3]), "neither": int(v[2])}
                  for i, v in list(zip(images, votes))[:5]},
        "rejected": sorted(int(i) + 1 for i in rejected),
        "mistakes": {str(int(i) + 1): [int(p), keys[c], SEVERITIES[s]] for i, p, c, s in list(zip(m_images, prediction, category, severity))[:5]},
    }
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(page, f, indent=1)


if __name__ == "__main__":
    main()
