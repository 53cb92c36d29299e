#!/usr/bin/env bash
# Times the reference generators (GitHub Parallel-Reasoning/APR, src/ checked out in REF) as
# bench/REPORT.md's ratios use them: one process pinned to one core, --num_workers 1, on the
# 1,000 problems of its own generate_problems.py, best of RUNS runs. Prints the figures as
# the environment of `npm run bench`. Needs Debian's python3-sentencepiece and
# python3-protobuf; run `node llama-vocab.mjs && python3 llama_model.py` here first.
# Usage: bench/reference/time-reference.sh REF [RUNS]
set -euo pipefail
REF=$(cd "$1" && pwd)
RUNS=${2:-5}
COUNT=1000 # problems per run
HERE=$(cd "$(dirname "$0")" && pwd)
[ -f "$HERE/llama2.model" ] || { echo "no llama2.model: run node llama-vocab.mjs && python3 llama_model.py in $HERE" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Debian's packages last: sentencepiece and protobuf come from there when python3 is not Debian's own.
export PYTHONPATH="$HERE/stubs:$REF:/usr/lib/python3/dist-packages"
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)
cd "$REF"
python3 -m src.data.generate_problems --seed 42 --start_range 4 --min_range 4 --num_samples "$COUNT" \
  --num_workers 1 --train_only --data_dir "$WORK/problems" >/dev/null
PROBLEMS=$(ls "$WORK"/problems/*.json)
best() { # best records/s over RUNS runs of a command
  local top=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out"
    local t0 t1
    t0=$(date +%s.%N)
    "${PIN[@]}" "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    top=$(python3 -c "print(max($top, round($COUNT / ($t1 - $t0))))")
  done
  echo "$top"
}
SOSP=$(best python3 -m src.data.generate_sosp --problems_path "$PROBLEMS" --output_dir "$WORK/out" --num_workers 1)
APR_ARGS=(--problems_path "$PROBLEMS" --output_dir "$WORK/out" --max_beam_size 10 --max_sub_call_beam_size 15
  --total_samples "$COUNT" --promising_threshold 0.9 --num_workers 1)
APR=$(REFERENCE_TOKENIZER=sentencepiece best python3 -m src.data.generate_apr "${APR_ARGS[@]}")
APR_NONE=$(REFERENCE_TOKENIZER=none best python3 -m src.data.generate_apr "${APR_ARGS[@]}")
echo "BENCH_REFERENCE_SOSP=$SOSP BENCH_REFERENCE_APR=$APR BENCH_REFERENCE_APR_UNTOKENIZED=$APR_NONE"
