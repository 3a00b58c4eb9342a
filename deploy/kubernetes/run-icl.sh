#!/usr/bin/env bash
# Runs the indexed shard Job, waits for all its indexes to complete, then runs the merge Job.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kubectl apply -f "$here/icl-shards-job.yaml"
kubectl wait --for=condition=complete --timeout=48h job/probe-icl-shards
kubectl apply -f "$here/icl-merge-job.yaml"
kubectl wait --for=condition=complete --timeout=1h job/probe-icl-merge
kubectl logs job/probe-icl-merge
