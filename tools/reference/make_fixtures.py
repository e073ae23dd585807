#!/usr/bin/env python3
"""Writes the small format fixtures under tests/fixtures/ (committed; rerun to change them).

Every fixture holds the same predictions for validation images 1..8, in every shape a file may
take. tests/formats.rs checks that each reads back to exactly FIXTURE_TOP below.
"""
import json
import os

import numpy as np

from reference import Truth

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures")


def main():
    t = Truth()
    os.makedirs(OUT, exist_ok=True)
    orig = t.original[:8]
    # Rows 1-6 right about the original label, rows 7-8 wrong first; five distinct classes each.
    top = np.stack([(orig + d) % 1000 for d in range(5)], axis=1)
    top[6:, 0], top[6:, 1] = (orig[6:] + 10) % 1000, orig[6:]
    names = [f"ILSVRC2012_val_{i + 1:08d}.JPEG" for i in range(8)]
    logits = np.full((8, 1000), -3.0)
    for i in range(8):
        logits[i, top[i]] = [5.0, 4.0, 3.0, 2.0, 1.0]

    def npy(name, a, fortran=False):
        with open(os.path.join(OUT, name), "wb") as f:
            np.lib.format.write_array(f, np.asfortranarray(a) if fortran else a)

    npy("top1_i8.npy", top[:, 0].astype("<i8"))
    npy("top5_u2_be_fortran.npy", top.astype(">u2"), fortran=True)
    npy("logits_f8.npy", logits.astype("<f8"))
    npy("logits_1001_f2_be.npy", np.concatenate([np.full((8, 1), -9.0), logits], axis=1).astype(">f2"))
    np.savez(os.path.join(OUT, "named.npz"), logits=logits.astype(np.float32), filenames=np.array(names))
    np.savez_compressed(os.path.join(OUT, "compressed.npz"), top5=top.astype(np.int32))
    lemma = [t.lemmas[c] for c in range(1000)]
    with open(os.path.join(OUT, "timm_top5.csv"), "w") as f:
        f.write("filename,index,label,prob\n")
        for i in range(8):
            labels = "[" + " ".join(repr(lemma[c]) for c in top[i]) + "]"
            probs = np.array2string(np.array([0.61, 0.2, 0.1, 0.05, 0.04]) + 1e-8 * i, max_line_width=30, precision=8)
            f.write(f"{names[i]},{np.array2string(top[i])},\"{labels}\",\"{probs}\"\n")
    with open(os.path.join(OUT, "timm_separate.tsv"), "w") as f:
        f.write("filename\t" + "\t".join(f"index_{j}" for j in range(5)) + "\t" + "\t".join(f"prob_{j}" for j in range(5)) + "\n")
        for i in range(8):
            f.write(names[i] + "\t" + "\t".join(map(str, top[i])) + "\t0.5\t0.2\t0.1\t0.1\t0.1\n")
    with open(os.path.join(OUT, "timm_labels.csv"), "w") as f:
        f.write("filename,label,prob\n")
        for i in range(8):
            f.write(f"{names[i]},\"{lemma[top[i, 0]]}\",0.9\n")
    with open(os.path.join(OUT, "timm.json"), "w") as f:
        json.dump({names[i]: {"index": top[i].tolist(), "label": [lemma[c] for c in top[i]], "prob": [0.5, 0.2, 0.1, 0.1, 0.1]}
                   for i in range(8)}, f, indent=1)
    with open(os.path.join(OUT, "hf_pipeline.json"), "w") as f:
        json.dump([[{"label": lemma[c], "score": 0.5 - 0.1 * j} for j, c in enumerate(top[i])] for i in range(8)], f)
    with open(os.path.join(OUT, "records.jsonl"), "w") as f:
        for i in range(8):
            f.write(json.dumps({"file": "val/" + names[i], "index": top[i].tolist()}) + "\n")
    with open(os.path.join(OUT, "caffe.txt"), "w") as f:
        for i in range(8):
            f.write(f"val.zip@/{names[i]}\t{top[i, 0]}\n")
    id_of_class = np.zeros(1000, dtype=int)
    id_of_class[t.class_of_id[1:]] = np.arange(1, 1001)
    with open(os.path.join(OUT, "devkit.txt"), "w") as f:
        for i in range(8):
            f.write(" ".join(map(str, id_of_class[top[i]])) + "\n")
    with open(os.path.join(OUT, "top1.json"), "w") as f:
        json.dump(top[:, 0].tolist(), f)
    print("FIXTURE_TOP:", top.tolist())


if __name__ == "__main__":
    main()
