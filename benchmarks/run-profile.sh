#!/usr/bin/env bash
# Where the gateway's time and CPU go (issue 6), one command:
#   bash benchmarks/run-profile.sh [harness options]
# A short run of the load benchmark (1 and 64 clients, no soak) in which every full-proxy cell is followed by a window
# of the same load profiled with Linux perf (cpu-clock samples of every gateway thread, kernel included, JIT-compiled
# methods named from the runtime's perf map). Writes benchmarks/results/profile/load.md (the cells, the per-stage span
# means and the profiles) and load.json. Needs perf (Debian: apt-get install linux-perf); about 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v perf >/dev/null || { echo "run-profile: perf is not installed (Debian: apt-get install linux-perf)" >&2; exit 1; }
mkdir -p benchmarks/results/profile
exec bash benchmarks/run-load.sh "$@" --perf-seconds 10 --soak-seconds 0 --clients 1,64 --seconds 8 \
  --out benchmarks/results/profile --command "bash benchmarks/run-profile.sh${*:+ $*}"
