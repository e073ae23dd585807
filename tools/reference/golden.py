#!/usr/bin/env python3
"""Golden test: writes one synthetic model's predictions in every supported format, computes
the expected figures with reference.py (numpy), runs real-eval --json on all files and
compares. Ends with 'N passed, M failed'; exits 1 on any failure.

  golden.py REAL_EVAL_BINARY [WORK_DIR]
"""
import json
import os
import subprocess
import sys

import numpy as np

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
        for key in ["real_top1", "original_top1"]:
            check(f"{name} {key}", obj[key] == want[key], f"{obj[key]!r} != {want[key]!r}")
        for key in ["real_top1_interval", "original_top1_interval"]:
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
    # The browser test checks the page against the same reference figures.
    expected = {}
    for path, order, convention, images, top, rows in cases:
        m = metrics(t, images, top)
        expected[os.path.basename(path)] = {k: v for k, v in m.items() if not k.startswith("per_class")}
        expected[os.path.basename(path)].update(order=order, class_convention=convention)
    with open(os.path.join(work, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(f"golden: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
