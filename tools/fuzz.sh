#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ (one per reader of user data) in turn.
#   tools/fuzz.sh run SECONDS [TARGET…]    fuzz each target for SECONDS; new inputs are kept in
#                                          target/fuzz/corpus/<target>, seeded from fuzz/corpus
#   tools/fuzz.sh smoke SECONDS            the same, briefly, into a throwaway corpus; skipped
#                                          (successfully) without the nightly toolchain
#   tools/fuzz.sh cmin [TARGET…]           replace fuzz/corpus/<target> by a small set of inputs
#                                          reaching every edge both corpora reach
# FUZZ_FLAGS adds libFuzzer flags (e.g. FUZZ_FLAGS=-runs=10000000 stops a target at that many
# executions). Prints per target the executions and whether anything crashed; any crash, timeout or
# out-of-memory exits non-zero, its input saved under target/fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

mode=${1:?usage: tools/fuzz.sh run|smoke|cmin [SECONDS] [TARGET…]}
shift
seconds=60
if [ "$mode" != cmin ]; then
  seconds=${1:?the number of seconds per target}
  shift
fi

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly' || ! command -v cargo-fuzz >/dev/null; then
  if [ "$mode" = smoke ]; then
    echo "fuzz-smoke: skipped, the nightly toolchain or cargo-fuzz is not installed (the corpora were replayed by the native tests)"
    exit 0
  fi
  echo "fuzz: needs the nightly toolchain (rustup toolchain install nightly) and cargo-fuzz (tools/setup.sh fuzz)" >&2
  exit 1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

out=${CARGO_TARGET_DIR:-$PWD/target}/fuzz
# No sanitizer: the core has no unsafe code, and AddressSanitizer would halve the executions.
# No tracing of comparisons either: it took most of the time of the text readers; the words
# they compare against are given instead as dictionaries (fuzz/dict). Debug assertions and
# overflow checks stay on (cargo-fuzz's default), so an overflow is found.
cargo +nightly fuzz build --sanitizer none --no-trace-compares --target-dir "$out/build" >&2
bin=$out/build/$(rustc +nightly -vV | sed -n 's/^host: //p')/release

# The largest input tried. Readers of big files are tested on big files elsewhere. Text
# formats scale with their length and 16 KB holds hundreds of rows; binary ones get 64 KB for
# headers, archives (tar: a few dozen members) and a few rows of scores; a stored evidence record carries a fixed 100 KB
# table, so that target gets 128 KB. A link is short: 4 KB.
max_len() {
  case $1 in
    npy | npz | evidence | tar) echo 65536 ;;
    compact_evidence) echo 131072 ;;
    view) echo 4096 ;;
    *) echo 16384 ;;
  esac
}

# The words each reader looks for; the stored compact forms have none beyond their magic.
dict() {
  case $1 in
    npy | npz | evidence) echo "-dict=fuzz/dict/binary.dict" ;;
    view) echo "-dict=fuzz/dict/view.dict" ;;
    tar) echo "-dict=fuzz/dict/tar.dict" ;;
    compact_*) ;;
    *) echo "-dict=fuzz/dict/text.dict" ;;
  esac
}

failed=()
for t in "${targets[@]}"; do
  seeds=fuzz/corpus/$t
  mkdir -p "$seeds" "$out/artifacts/$t" "$out/logs"
  log=$out/logs/$t.log
  case $mode in
    run | smoke)
      if [ "$mode" = smoke ]; then
        work=$(mktemp -d)
      else
        work=$out/corpus/$t
        mkdir -p "$work"
      fi
      status=0
      nice -n 10 "$bin/$t" "$work" "$seeds" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $(dict "$t") \
        -artifact_prefix="$out/artifacts/$t/" ${FUZZ_FLAGS:-} >"$log" 2>&1 || status=$?
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
      # The corpus libFuzzer ended with: the inputs it keeps for the coverage they add.
      corpus=$(grep -E -o 'corp: [0-9]+/' "$log" | tail -1 | tr -dc 0-9)
      [ "$mode" = smoke ] && rm -rf "$work"
      if [ "$status" -eq 0 ]; then
        echo "fuzz: $t: ${runs:-0} executions in $(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1) s, ${corpus:-?} inputs in the corpus, no crash"
      else
        echo "fuzz: $t: CRASH after ${runs:-?} executions (exit $status); input in $out/artifacts/$t/, log in $log"
        grep -E -m 5 "panicked at|ERROR: libFuzzer|^SUMMARY|attempt to|index out of" "$log" | sed 's/^/    /' || true
        failed+=("$t")
      fi
      ;;
    cmin)
      merged=$(mktemp -d)
      mkdir -p "$out/corpus/$t"
      # Edges only, not their hit counts: one small input per edge keeps the committed corpus
      # to a few MB; make fuzz regrows the rest from it in seconds.
      nice -n 10 "$bin/$t" -merge=1 -use_counters=0 -max_len="$(max_len "$t")" -timeout=10 \
        -rss_limit_mb=2048 "$merged" "$seeds" "$out/corpus/$t" >"$log" 2>&1
      rm -rf "$seeds"
      mv "$merged" "$seeds"
      chmod 755 "$seeds"
      echo "fuzz: $t: corpus minimised to $(find "$seeds" -type f | wc -l) files, $(du -sh "$seeds" | cut -f1)"
      ;;
    *)
      echo "fuzz: unknown mode '$mode' (run, smoke or cmin)" >&2
      exit 2
      ;;
  esac
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]}" >&2
  exit 1
fi
