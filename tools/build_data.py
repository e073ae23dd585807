#!/usr/bin/env python3
"""Build assets/imagenet-val.bin, the ImageNet validation data ReaL Explorer carries.

Everything comes from pinned wheels on PyPI, checked by sha256:
  * timm: the ReaL label sets, the sorted wnids and the lemma texts;
  * tensorflow-datasets: the 50,000 original validation labels (wnids, filename order);
  * trojanzoo: ships the ILSVRC2012 devkit, whose validation ground truth (ILSVRC2012_IDs,
    filename order) paired line by line with the wnids above gives the ID -> wnid table.

Usage: tools/build_data.py [--cache DIR] [--out FILE]
Only the standard library is used; wheels are fetched with `pip download --no-deps`.
The output layout is documented in crates/real-core/src/dataset/encoding.rs.
"""
import argparse
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import zipfile

WHEELS = {
    "timm": ("timm==1.0.15", "timm-1.0.15-py3-none-any.whl",
             "5a3dc460c24e322ecc7fd1f3e3eb112423ddee320cb059cc1956fbc9731748ef"),
    "tfds": ("tensorflow-datasets==4.9.7", "tensorflow_datasets-4.9.7-py3-none-any.whl",
             "f6fdfe745b5df2a37bde8bb2ef149188ebbca4af546226b461f3bad26bc42875"),
    "trojanzoo": ("trojanzoo==1.0.6", "trojanzoo-1.0.6-py3-none-any.whl",
                  "560984464c10fb5f60aa12f9a359e68a82c87412757e25021c34f1700062a415"),
}
REAL_JSON_SHA256 = "d83e9bff374c631aae8439eb064c7019acc56e1b3bc3f56b8380c2a710b0220b"

# First lemmas that name two classes, or that read wrongly alone. The display name must be
# unambiguous because users and files name classes by it.
SHORT_NAME_OVERRIDES = {
    "n02012849": "crane (bird)",
    "n03126707": "crane (machine)",
    "n02113186": "Cardigan corgi",
    "n02963159": "cardigan (sweater)",
    "n03710637": "maillot (tights)",
    "n03710721": "tank suit",
}

MAGIC = b"REALIMG1"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def fetch_wheel(cache, key):
    spec, name, digest = WHEELS[key]
    path = os.path.join(cache, name)
    if not os.path.exists(path):
        os.makedirs(cache, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        spec, "-d", cache], check=True)
    with open(path, "rb") as f:
        data = f.read()
    if sha256(data) != digest:
        sys.exit(f"{name}: sha256 {sha256(data)} is not the pinned {digest}")
    return zipfile.ZipFile(io.BytesIO(data))


def lines(blob):
    return [l for l in blob.decode("utf-8").splitlines() if l.strip()]


def build(cache):
    timm = fetch_wheel(cache, "timm")
    tfds = fetch_wheel(cache, "tfds")
    trojan = fetch_wheel(cache, "trojanzoo")

    wnids = lines(timm.read("timm/data/_info/imagenet_synsets.txt"))
    assert len(wnids) == 1000 and wnids == sorted(wnids), "1000 sorted wnids expected"
    class_of = {w: i for i, w in enumerate(wnids)}
    lemma = dict(l.split("\t", 1) for l in lines(timm.read("timm/data/_info/imagenet_synset_to_lemma.txt")))

    real_blob = timm.read("timm/data/_info/imagenet_real_labels.json")
    if sha256(real_blob) != REAL_JSON_SHA256:
        sys.exit("timm's imagenet_real_labels.json is not the published real.json")
    real = json.loads(real_blob)
    assert len(real) == 50000

    originals = lines(tfds.read("tensorflow_datasets/datasets/imagenet2012/validation_labels.txt"))
    assert len(originals) == 50000 and originals[:3] == ["n01751748", "n09193705", "n02105855"]
    original = [class_of[w] for w in originals]

    devkit = tarfile.open(fileobj=io.BytesIO(trojan.read("trojanvision/data/imagenet/ILSVRC2012_devkit_t12.tar.gz")))
    truth = devkit.extractfile("ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt").read()
    ids = [int(x) for x in lines(truth)]
    assert len(ids) == 50000 and ids[:5] == [490, 361, 171, 822, 297]
    id_to_class = {}
    for ilsvrc_id, cls in zip(ids, original):
        if id_to_class.setdefault(ilsvrc_id, cls) != cls:
            sys.exit(f"ILSVRC2012_ID {ilsvrc_id} pairs with two wnids")
    assert sorted(id_to_class) == list(range(1, 1001)), "every ID 1..1000 must occur"
    assert sorted(id_to_class.values()) == list(range(1000)), "the ID table must be a bijection"
    class_to_id = {c: i for i, c in id_to_class.items()}

    short = []
    for w in wnids:
        short.append(SHORT_NAME_OVERRIDES.get(w) or lemma[w].split(",")[0].strip())
    folded = [s.casefold() for s in short]
    assert len(set(folded)) == 1000, "short display names must be unique"

    out = io.BytesIO()
    out.write(MAGIC)
    out.write(struct.pack("<II", len(wnids), len(real)))
    for w in wnids:
        out.write(struct.pack("<I", int(w[1:])))
    for c in range(1000):
        out.write(struct.pack("<H", class_to_id[c]))
    out.write(struct.pack(f"<{len(original)}H", *original))
    out.write(bytes(len(s) for s in real))
    flat = [c for s in real for c in s]
    out.write(struct.pack("<I", len(flat)))
    out.write(struct.pack(f"<{len(flat)}H", *flat))
    for w, s in zip(wnids, short):
        for text in (s, lemma[w]):
            b = text.encode("utf-8")
            out.write(struct.pack("<H", len(b)))
            out.write(b)
    return out.getvalue()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=os.path.join(root, "target", "wheels"))
    ap.add_argument("--out", default=os.path.join(root, "assets", "imagenet-val.bin"))
    args = ap.parse_args()
    data = build(args.cache)
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"wrote {args.out}: {len(data)} bytes, sha256 {sha256(data)}")


if __name__ == "__main__":
    main()
