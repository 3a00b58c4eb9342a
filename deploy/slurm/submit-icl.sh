#!/usr/bin/env bash
# ICL runs of several tasks on one GGUF model as Slurm array jobs: per task, an array of SHARDS tasks
# (icl-shard.sbatch) and a merge job that starts when the whole array has succeeded (icl-merge.sbatch).
#
#   PROBE=$HOME/probe-bin/probe PROBE_MODEL=/shared/models/Llama-3.1-8B-Q4_K_M.gguf \
#   PROBE_ICL_ARGS="--contexts 64 --seed 0 --batch 4" SHARDS=8 RESULTS=/scratch/$USER/icl \
#   deploy/slurm/submit-icl.sh "2x+3" "3x-1" "ax+b, a in 1..5, b in 0..9"
#
# Contexts go to shards by whole batches (--batch): with --contexts 64 --batch 4 there are 16 batches, so up to
# 16 shards have work. Results: RESULTS/<task>/shard-<i>/ per shard and RESULTS/<task>/merged/ per task.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${SHARDS:=4}"
: "${RESULTS:=results/icl-array}"
: "${PROBE_MODEL:?set PROBE_MODEL to the GGUF file every node reads}"
export PROBE PROBE_MODEL PROBE_ICL_ARGS
[ "$#" -gt 0 ] || { echo "usage: $0 TASK [TASK...]" >&2; exit 2; }
for task in "$@"; do
    name="$(printf '%s' "$task" | tr -c 'A-Za-z0-9+-' '_')"   # a folder name: 'ax+b, a in 1..5' -> ax+b__a_in_1__5
    run="$RESULTS/$name"
    mkdir -p "$run"
    array=$(sbatch --parsable --export=ALL --array="0-$((SHARDS - 1))" "$here/icl-shard.sbatch" "$task" "$run")
    merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" "$here/icl-merge.sbatch" "$run")
    echo "$task: shards job $array, merge job $merge -> $run/merged"
done
