#!/usr/bin/env python3
"""Expected figures for paired comparisons of two models, from reference.py's independent
implementation: the exact McNemar test in integer arithmetic and Newcombe's paired interval.

  compare_reference.py [--rust] < TABLES.json

TABLES.json is a JSON list of tables, each [both, a_only, b_only, neither] or an object with
those keys. Prints one JSON line per table with the difference (B - A), its interval, the
McNemar p and log10 p; with --rust, prints them as rows for crates/real-core/tests/compare.rs.
"""
import json
import sys

from reference import mcnemar_exact, newcombe_paired

KEYS = ["both", "a_only", "b_only", "neither"]


def figures(table):
    cells = [table[k] for k in KEYS] if isinstance(table, dict) else list(table)
    both, a_only, b_only, neither = (int(x) for x in cells)
    difference, interval = newcombe_paired(both, a_only, b_only, neither)
    p, log10_p = mcnemar_exact(a_only, b_only)
    return {
        "table": dict(zip(KEYS, (both, a_only, b_only, neither))),
        "difference": None if difference is None else float(difference),
        "interval": None if interval is None else [float(x) for x in interval],
        "mcnemar_p": p,
        "mcnemar_log10_p": log10_p,
    }


def rust_option(x):
    return "None" if x is None else f"Some({x!r})"


def main():
    rust = sys.argv[1:] == ["--rust"]
    if sys.argv[1:] not in ([], ["--rust"]):
        sys.exit(__doc__)
    for table in json.load(sys.stdin):
        f = figures(table)
        if not rust:
            print(json.dumps(f))
            continue
        t = f["table"]
        interval = f["interval"] or [None, None]
        print(f"    Golden {{ table: [{t['both']}, {t['a_only']}, {t['b_only']}, {t['neither']}], "
              f"difference: {rust_option(f['difference'])}, "
              f"interval: ({rust_option(interval[0])}, {rust_option(interval[1])}), "
              f"p: {f['mcnemar_p']!r}, log10_p: {f['mcnemar_log10_p']!r} }},")


if __name__ == "__main__":
    main()
