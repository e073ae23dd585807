#!/usr/bin/env python3
"""Writes the hostile corpus: malformed and adversarial files that real-eval and the page must
turn into a correct figure or a clear one-line error, within bounded time and memory.

Usage: make_corpus.py OUT_DIR

Writes OUT_DIR/manifest.json, a list of cases:
  name      the file (or, for CLI-only cases, the special path) to give
  role      predictions | labels | scores | raters | relabeling
  expect    "error" or "ok"
  says      substrings the one-line message (or, for "ok", the warnings) must contain,
            compared case-insensitively
  top1      for "ok" predictions: {label set key: expected top-1 percent}
  cli_only  true for FIFOs and devices, which a browser cannot be given
  why       what the case attacks

Nothing here comes from ../shared: the original labels are read from the pinned
tensorflow-datasets wheel (tools/build_data.py checks its sha256).
"""
import io
import json
import os
import struct
import sys
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from build_data import fetch_wheel  # noqa: E402

N = 50_000
NAMES = [f"ILSVRC2012_val_{i + 1:08d}.JPEG" for i in range(N)]


def original_labels():
    cache = os.path.join(ROOT, "target", "wheels")
    timm = fetch_wheel(cache, "timm")
    wnids = timm.read("timm/data/_info/imagenet_synsets.txt").decode().split()
    index = {w: i for i, w in enumerate(wnids)}
    tfds = fetch_wheel(cache, "tfds")
    val = tfds.read("tensorflow_datasets/datasets/imagenet2012/validation_labels.txt").decode().split()
    return np.array([index[w] for w in val], dtype=np.int64)


def npy_bytes(array, fortran=False):
    out = io.BytesIO()
    np.lib.format.write_array(out, np.asfortranarray(array) if fortran else array)
    return out.getvalue()


def npy_raw(header, data=b"", version=1):
    """An .npy with a header written by hand (padded as numpy pads it)."""
    text = header.encode("utf-8") if isinstance(header, str) else header
    pad = 64 - (10 + len(text) + 1) % 64
    text = text + b" " * (pad % 64) + b"\n"
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + data
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(text)) + text + data


def zip_entry(name, data, declared=None, method=8, raw=None):
    """One member: (name, stored bytes, declared inflated size, CRC, method). `raw` replaces the
    stored bytes and `declared` the size, to build archives that lie."""
    if raw is not None:
        body = raw
    else:
        body = _deflate(data) if method == 8 else data
    size = len(data) if declared is None else declared
    crc = zlib.crc32(data) & 0xFFFFFFFF if raw is None else 0
    return name.encode(), body, size, crc, method


def _deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zip_bytes(entries, repeat_directory=1):
    """A ZIP archive from zip_entry tuples; the directory may list each entry many times."""
    out = bytearray()
    directory = bytearray()
    for name, body, size, crc, method in entries:
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(body), size & 0xFFFFFFFF, len(name), 0)
        out += name + body
        record = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc, len(body), size & 0xFFFFFFFF,
                             len(name), 0, 0, 0, 0, 0, offset) + name
        directory += record * repeat_directory
    start = len(out)
    count = len(entries) * repeat_directory
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count & 0xFFFF, count & 0xFFFF, len(directory), start, 0)
    return bytes(out)


def deflate_zeros(total):
    """Deflates `total` zero bytes in pieces, so no buffer of that size is ever held."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = bytes(1 << 24)
    parts = []
    left = total
    while left:
        take = min(left, len(piece))
        parts.append(c.compress(piece[:take]))
        left -= take
    parts.append(c.flush())
    return b"".join(parts)


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    original = original_labels()
    cases = []

    def case(name, role, expect, says=(), data=None, top1=None, cli_only=False, why=""):
        if data is not None:
            with open(os.path.join(out_dir, name), "wb") as f:
                f.write(data)
        cases.append({"name": name, "role": role, "expect": expect, "says": list(says),
                      "top1": top1, "cli_only": cli_only, "why": why})

    top1 = original.astype("<i8")
    logits = np.zeros((N, 1000), dtype=np.float32)
    logits[np.arange(N), original] = 5.0

    # --- .npy headers and data ---------------------------------------------------------------
    case("npy_dtype_multibyte_order.npy", "predictions", "error", ["dtype"],
         npy_raw("{'descr': '\u20acf4', 'fortran_order': False, 'shape': (50000,), }", bytes(N * 4)),
         why="a dtype whose first character is multi-byte")
    case("npy_dtype_multibyte_code.npy", "predictions", "error", ["dtype"],
         npy_raw("{'descr': '<\u00e94', 'fortran_order': False, 'shape': (50000,), }", bytes(N * 4)),
         why="a dtype whose type letter is multi-byte")
    case("npy_header_not_utf8.npy", "predictions", "error", ["header"],
         npy_raw(b"{'descr': '<i8', \xff\xfe 'shape': (50000,), }"), why="a header that is not text")
    case("npy_short_magic.npy", "predictions", "error", ["truncated"], b"\x93NUMPY\x01",
         why="a file that ends inside the magic and version")
    case("npy_version_9.npy", "predictions", "error", ["version"],
         b"\x93NUMPY\x09\x00" + bytes(200), why="an unknown format version")
    case("npy_header_len_4g.npy", "predictions", "error", ["truncated"],
         b"\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr'", why="a header length of 4 GB in a tiny file")
    case("npy_shape_overflow.npy", "predictions", "error", ["shape"],
         npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }"),
         why="a shape whose element count overflows")
    case("npy_shape_huge_claim.npy", "predictions", "error", ["truncated"],
         npy_raw("{'descr': '<f8', 'fortran_order': False, 'shape': (50000, 100000000), }", bytes(64)),
         why="a header claiming 40 TB of data in a small file")
    case("npy_shape_3d.npy", "predictions", "error", ["shape"],
         npy_bytes(np.zeros((N, 2, 3), dtype=np.int16)), why="a three-dimensional array")
    case("npy_zero_rows.npy", "predictions", "error", ["empty"],
         npy_bytes(np.zeros((0,), dtype=np.int64)), why="an empty array")
    case("npy_object_dtype.npy", "predictions", "error", ["dtype"],
         npy_raw("{'descr': '|O', 'fortran_order': False, 'shape': (50000,), }", bytes(N * 8)),
         why="a pickled object array")
    case("npy_structured.npy", "predictions", "error", ["structured"],
         npy_raw("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (50000,), }", bytes(N * 4)),
         why="a structured dtype")
    case("npy_truncated_data.npy", "predictions", "error", ["truncated"],
         npy_bytes(top1)[:-8], why="one element short")
    case("npy_float_vector.npy", "predictions", "error", ["(50000,)"],
         npy_bytes(np.full(N, 0.25, dtype=np.float32)), why="a float vector: neither labels nor a score matrix")
    case("npy_float_labels_ok.npy", "predictions", "ok", [], npy_bytes(top1.astype(np.float32)),
         top1={"original": 100.0}, why="labels stored as whole floats (control)")
    case("npy_top5_transposed.npy", "predictions", "error", ["(5, 50000)", "transpose"],
         npy_bytes(np.ascontiguousarray(np.stack([(original + d) % 1000 for d in range(5)], axis=1).T)),
         why="top-5 saved the other way round: five rows of 50,000")
    one_off = top1.copy()
    one_off[31_337] = 1000
    case("npy_one_out_of_range.npy", "predictions", "error", ["row 31338", "1000"],
         npy_bytes(one_off), why="one class index out of 0-999 in an otherwise 0-999 file")
    minimum = top1.copy()
    minimum[4] = np.iinfo(np.int64).min
    case("npy_int64_min.npy", "predictions", "error", ["row 5"], npy_bytes(minimum),
         why="the minimum int64, once used internally for 'missing'")
    case("npy_negative_label.npy", "predictions", "error", ["row 2", "-1"],
         npy_bytes(np.concatenate([top1[:1], [-1], top1[2:]]).astype("<i8")), why="a negative class index")
    top5 = np.stack([(original + d) % 1000 for d in range(5)], axis=1).astype("<i4")
    wrong_flag = npy_bytes(top5).replace(b"'fortran_order': False", b"'fortran_order': True ")
    case("npy_wrong_fortran_flag.npy", "predictions", "error", ["fortran"], wrong_flag,
         why="C-order data under a Fortran flag")
    # Score matrices as float16 in compressed archives: small files, 100 MB once inflated.
    def npz_logits(matrix):
        out = io.BytesIO()
        np.savez_compressed(out, logits=matrix.astype(np.float16))
        return out.getvalue()

    nan_half = logits.copy()
    nan_half[::2] = np.nan
    case("logits_nan_half.npz", "predictions", "ok", ["25,000 rows", "nan"], npz_logits(nan_half),
         top1={"original": 50.0}, why="NaN logits in half the rows")
    inf_rows = logits.copy()
    inf_rows[:10, 3] = np.inf
    case("logits_inf_rows.npz", "predictions", "ok", ["10 rows"], npz_logits(inf_rows),
         top1={"original": 99.98}, why="infinite logits in ten rows")
    case("npy_big_endian_ok.npy", "predictions", "ok", [], npy_bytes(top1.astype(">i4")),
         top1={"original": 100.0}, why="a valid big-endian file (control)")

    # --- .npz / ZIP ---------------------------------------------------------------------------
    zeros_2g = deflate_zeros(2 * 1024 ** 3)
    # A deflated member of 2 GB declared as such: refused before inflating.
    case("npz_bomb_declared.npz", "predictions", "error", ["logits"],
         zip_bytes([zip_entry("logits.npy", b"", raw=zeros_2g, declared=2 * 1024 ** 3)]),
         why="a 2 MB archive whose member inflates to 2 GB, declared")
    # The same bytes declared as 1,000 bytes: inflating stops at the declared size.
    case("npz_bomb_understated.npz", "predictions", "error", ["inflates past"],
         zip_bytes([zip_entry("logits.npy", b"", raw=zeros_2g, declared=1000)]),
         why="a 2 GB member declared as 1,000 bytes")
    small = npy_bytes(top1)
    case("npz_directory_repeats.npz", "predictions", "error", ["more than once"],
         zip_bytes([zip_entry("logits.npy", small)], repeat_directory=2000),
         why="a directory naming one entry 2,000 times")
    wide = npy_raw("{'descr': '<U2305843009213693952', 'fortran_order': False, 'shape': (50000,), }")
    case("npz_names_absurd_width.npz", "predictions", "error", ["filenames"],
         zip_bytes([zip_entry("top1.npy", small), zip_entry("filenames.npy", wide)]),
         why="a file-name array claiming an absurd string width")
    case("npz_method_bzip2.npz", "predictions", "error", ["method 12"],
         zip_bytes([zip_entry("top1.npy", small, method=12, raw=small)]), why="an unsupported compression method")
    case("npz_empty_archive.npz", "predictions", "error", ["no numeric array"], zip_bytes([]),
         why="an archive with no members")
    good_npz = io.BytesIO()
    np.savez_compressed(good_npz, top1=top1)
    case("npz_truncated.npz", "predictions", "error", ["truncated"], good_npz.getvalue()[: len(good_npz.getvalue()) // 2],
         why="half an archive")
    case("npz_not_deflate.npz", "predictions", "error", ["inflate"],
         zip_bytes([zip_entry("top1.npy", small, raw=os.urandom(4096), declared=len(small))]),
         why="a member that is not deflate data")
    good = io.BytesIO()
    np.savez(good, top1=top1)
    corrupt = bytearray(good.getvalue())
    data_at = corrupt.index(b"\x93NUMPY") + 128
    for i in range(100):
        corrupt[data_at + 8 * i] ^= 0x01
    case("npz_bad_crc.npz", "predictions", "error", ["crc"], bytes(corrupt),
         why="stored data changed under its CRC (numpy refuses it)")
    many = io.BytesIO()
    zeros = np.zeros((N, 1000))
    np.savez_compressed(many, **{f"logits_{i}": zeros for i in range(12)})
    case("npz_twelve_400mb_arrays.npz", "predictions", "ok", ["ignored 'logits_1'", "and 8 more"], many.getvalue(),
         top1={"original": 0.1}, why="a 5 MB archive of twelve 400 MB arrays: only the one used may be inflated")
    named = io.BytesIO()
    np.savez(named, top1=top1[:10], filenames=np.array(["not_an_image.png"] * 10))
    case("npz_bad_file_names.npz", "predictions", "error", ["not_an_image.png"], named.getvalue(),
         why="file names that are not validation images")
    shuffled = np.random.default_rng(7).permutation(N)
    ok_npz = io.BytesIO()
    np.savez_compressed(ok_npz, logits=logits[shuffled], filenames=np.array(NAMES)[shuffled])
    case("npz_named_shuffled_ok.npz", "predictions", "ok", [], ok_npz.getvalue(), top1={"original": 100.0},
         why="a valid archive naming its rows in shuffled order (control)")

    # --- Text, CSV, JSON ----------------------------------------------------------------------
    case("empty.txt", "predictions", "error", ["empty"], b"", why="an empty file")
    case("whitespace.txt", "predictions", "error", ["empty"], b" \n\t\n" * 100, why="only blanks")
    case("nul_bytes_2g.bin", "predictions", "error", ["larger than"], None, why="a 2 GB file of NUL bytes (sparse)")
    with open(os.path.join(out_dir, "nul_bytes_2g.bin"), "wb") as f:
        f.truncate(2 * 1024 ** 3)
    case("random_binary.bin", "predictions", "error", ["binary"], np.random.default_rng(1).bytes(1 << 20),
         why="a megabyte of random bytes")
    case("ten_million_lines.txt", "predictions", "error", ["50,000"], b"1\n" * 10_000_000,
         why="ten million short lines (20 MB)")
    case("one_long_line.txt", "predictions", "error", [], b"7" * (10 * 1024 * 1024),
         why="one line of 10 MB, which must not be echoed")
    case("five_million_words_one_line.txt", "predictions", "error", ["more than 2,048 fields"],
         b"ILSVRC2012_val_00000001.JPEG " + b"1 " * 5_000_000 + b"\n", why="one line of five million words (10 MB)")
    scores_text = (" ".join(["0.001"] * 1000) + "\n") * 6_000
    case("text_score_matrix_6000_rows.txt", "predictions", "error", ["more than 5,000,000 values"], scores_text.encode(),
         why="a text score matrix past the value cap (6 million fields)")
    escapes = "".join(f"ILSVRC2012_val_{i + 1:08d}.JPEG,{original[i]}\n" for i in range(20))
    escapes += "ILSVRC2012_val_00000021.JPEG,\x1b[31mred\x1b[0m\r\x07bell\n"
    case("control_characters.csv", "predictions", "error", ["\\u{1b}"], escapes.encode(),
         why="terminal escape sequences in a cell")
    utf16 = ("\ufeff" + "".join(f"{c}\n" for c in original)).encode("utf-16-le")
    case("utf16_text.txt", "predictions", "error", ["utf-16"], utf16, why="UTF-16 text")
    lines = [json.dumps({"file": NAMES[i], "index": [int(original[i])]}) for i in range(N)]
    lines[1233] = '{"file": "ILSVRC2012_val_00001234.JPEG", "index": [3,'
    case("jsonl_error_line_1234.jsonl", "predictions", "error", ["line 1234"], ("\n".join(lines) + "\n").encode(),
         why="a JSON Lines error on line 1,234")
    hf = [[{"label": "tench", "score": 0.9}, {"label": "goldfish"}] for _ in range(N)]
    case("hf_pipeline_missing_score.json", "predictions", "error", ["score"], json.dumps(hf).encode(),
         why="Hugging Face pipeline output with entries lacking a score")
    keyed = "{" + ",".join(f'"{NAMES[i]}": [{original[i]}]' for i in range(N))
    keyed += "," + ",".join(f'"{NAMES[i]}": [{(original[i] + 1) % 1000}]' for i in range(1000)) + "}"
    case("json_duplicate_keys.json", "predictions", "ok", ["1000 rows repeat"], keyed.encode(), top1={"original": 100.0},
         why="an object naming 1,000 images twice: the first row is kept, with a warning, not the last silently")
    case("json_deep_nesting.json", "predictions", "error", ["recursion limit"], b"[" * 200_000 + b"]" * 200_000,
         why="JSON nested 200,000 deep")
    case("json_ten_million_values.json", "predictions", "error", [], b"[" + b"1," * 10_000_000 + b"1]",
         why="a JSON list of ten million numbers (20 MB)")
    case("json_huge_number.json", "predictions", "error", [], b"[1e999, 2, 3]", why="a number out of range")
    case("json_nan_literal.json", "predictions", "error", [], b"[NaN, 1, 2]", why="NaN, which JSON does not have")
    csv = "filename,index,label,prob\n" + "".join(
        f"{NAMES[i]},[{original[i]}],\"['x']\",\"[{'nan' if i % 4 == 0 else '0.9'}]\"\n" for i in range(N))
    case("timm_csv_nan_probs.csv", "predictions", "ok", ["12,500 rows"], csv.encode(), top1={"original": 75.0},
         why="timm CSV whose probability is nan in a quarter of the rows")
    case("csv_header_only.csv", "predictions", "error", ["no prediction rows"], b"filename,index,label,prob\n",
         why="a header and nothing else")
    quote = "filename,label\n" + "".join(f"{NAMES[i]},{original[i]}\n" for i in range(10)) + f"{NAMES[10]},\"unterminated\n"
    case("csv_unterminated_quote.csv", "predictions", "error", ["line 12"], quote.encode(), why="a quote never closed")

    # --- Label files --------------------------------------------------------------------------
    real_like = [[int(c)] for c in original]
    real_like[777] = [1000]
    case("labels_class_1000.json", "labels", "error", ["1000"], json.dumps(real_like).encode(),
         why="a label set with class 1000")
    case("labels_too_many_lists.json", "labels", "error", ["50,001"], json.dumps([[1]] * (N + 1)).encode(),
         why="50,001 lists")
    case("labels_deep_nesting.json", "labels", "error", [], b"[" * 100_000, why="nesting without end")
    case("labels_ten_million_lines.txt", "labels", "error", ["named twice"], b"ILSVRC2012_val_00000001.JPEG 1\n" * 700_000,
         why="700,000 lines naming one image")
    case("labels_five_million_on_one_line.txt", "labels", "error", ["more than 1,000 labels"],
         b"ILSVRC2012_val_00000001.JPEG " + b"1 " * 5_000_000 + b"\n", why="five million labels for one image")
    one_based = "".join(f"{1001 if i == 99 else c + 1}\n" for i, c in enumerate(original))
    case("labels_1based_1001.txt", "labels", "error", ["line 100", "1001"], one_based.encode(),
         why="a 1-based label file holding 1001 once")

    # --- Rater files --------------------------------------------------------------------------
    case("scores_bomb.npz", "scores", "error", ["info"],
         zip_bytes([zip_entry("info.npy", b"", raw=zeros_2g, declared=2 * 1024 ** 3)]),
         why="a rater file whose member inflates to 2 GB")
    nan_scores = io.BytesIO()
    info = np.array([[NAMES[0], "1"], [NAMES[0], "2"]])
    np.savez(nan_scores, info=info, tensor=np.array([np.nan, 0.5]))
    case("scores_nan.npz", "scores", "error", ["nan"], nan_scores.getvalue(), why="a NaN probability")
    case("scores_not_zip.npz", "scores", "error", [], b"PK\x03\x04" + bytes(100), why="a ZIP signature and nothing else")
    wide_info = npy_raw("{'descr': '<U2305843009213693952', 'fortran_order': False, 'shape': (2, 2), }")
    case("scores_info_absurd_width.npz", "scores", "error", ["info"],
         zip_bytes([zip_entry("info.npy", wide_info), zip_entry("tensor.npy", npy_bytes(np.array([0.5, 0.5])))]),
         why="an info array claiming an absurd string width")

    # --- Relabelings --------------------------------------------------------------------------
    case("mturk_huge_id.json", "relabeling", "error", ["id"],
         json.dumps([{"id": 10 ** 30, "url": "x", "Brief Label": "a", "Our Guessed Label": 1, "Given Label": 2,
                      "mturk": {"given": 3, "guessed": 2, "neither": 0, "both": 0}}]).encode(),
         why="an image number far out of range")
    case("relabel_deep_nesting.json", "relabeling", "error", [], b"{\"a\":" * 100_000, why="objects nested without end")
    case("relabel_binary.json", "relabeling", "error", [], np.random.default_rng(2).bytes(4096), why="binary bytes")

    # --- Not files (CLI only: a browser cannot be given these) --------------------------------
    fifo = os.path.join(out_dir, "fifo_no_writer")
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)
    case("fifo_no_writer", "predictions", "error", ["empty"], cli_only=True,
         why="a FIFO nobody writes to: must not block")
    case("/dev/zero", "predictions", "error", ["not a regular file"], cli_only=True, why="an endless device")
    case("/dev/urandom", "predictions", "error", ["not a regular file"], cli_only=True, why="an endless random device")
    case(".", "predictions", "error", ["folder"], cli_only=True, why="a directory")

    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)
    print(f"hostile corpus: {len(cases)} cases in {out_dir}")


if __name__ == "__main__":
    main()
