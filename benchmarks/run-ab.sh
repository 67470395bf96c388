#!/usr/bin/env bash
# Interleaved A/B of the load benchmark between two commits, in one session on one machine:
#   bash benchmarks/run-ab.sh OLD_REV NEW_REV [rounds] [harness options]
# Clones both revisions into a temporary folder, builds each once (Release), then runs the load benchmark
# old, new, old, new, … (default 2 rounds) with the same options, and writes benchmarks/results/ab/<old>-<new>.md with
# each run's requests/s and gateway CPU per call at every client count, so a change is judged by ratios taken minutes
# apart rather than against numbers from another day (this machine's speed drifts by up to 2x within an hour).
# The same revision against itself with different harness options is an A/B of a setting, e.g. policies off and on:
#   AB_OLD_OPTIONS="--policies 0" AB_NEW_OPTIONS="--policies 100" AB_OLD_LABEL=nopolicy AB_NEW_LABEL=policy100 \
#     bash benchmarks/run-ab.sh HEAD HEAD 2 --clients 64 --seconds 10 --soak-seconds 0
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
old_rev=$(git rev-parse --short "$1"); new_rev=$(git rev-parse --short "$2"); rounds=${3:-2}
old=${AB_OLD_LABEL:-$old_rev}; new=${AB_NEW_LABEL:-$new_rev}
[ "$old" = "$new" ] && { echo "run-ab: the two arms need different labels (AB_OLD_LABEL, AB_NEW_LABEL)"; exit 2; }
read -r -a old_options <<<"${AB_OLD_OPTIONS:-}"; read -r -a new_options <<<"${AB_NEW_OPTIONS:-}"
shift 3 2>/dev/null || shift $#
options=("$@")
[ ${#options[@]} -eq 0 ] && options=(--clients 1,64 --seconds 10 --soak-seconds 0)
work=$(mktemp -d /tmp/qp-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
for rev in $(printf '%s\n' "$old_rev" "$new_rev" | sort -u); do
  git clone -q "$ROOT" "$work/$rev" && git -C "$work/$rev" checkout -q "$rev"
  (cd "$work/$rev" && dotnet build -c Release src/QuantaProxy.Cli -v q -nologo -clp:ErrorsOnly && dotnet build -c Release benchmarks/QuantaProxy.LoadBenchmark -v q -nologo -clp:ErrorsOnly)
done
out="$ROOT/benchmarks/results/ab"; mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
  for arm in old new; do
    if [ "$arm" = old ]; then rev=$old; tree=$old_rev; extra=("${old_options[@]}"); else rev=$new; tree=$new_rev; extra=("${new_options[@]}"); fi
    echo "run-ab: round $round, $rev"
    (cd "$work/$tree" && dotnet benchmarks/QuantaProxy.LoadBenchmark/bin/Release/net10.0/QuantaProxy.LoadBenchmark.dll load "${options[@]}" "${extra[@]}" \
      --out "$work/results-$rev-$round" --command "bash benchmarks/run-ab.sh $old $new $rounds ${options[*]}") >"$work/log-$rev-$round.txt" 2>&1
    cp "$work/results-$rev-$round/load.json" "$out/$old-$new-$rev-round$round.json"
  done
done
python3 - "$out" "$old" "$new" "$rounds" "${options[*]} | $old: ${AB_OLD_OPTIONS:-} | $new: ${AB_NEW_OPTIONS:-}" <<'PY'
import json, sys, statistics
out, old, new, rounds, opts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
def cells(rev, r):
    data = json.load(open(f"{out}/{old}-{new}-{rev}-round{r}.json"))
    return {(c["Target"], c["Clients"]): c for c in data["Cells"]}
lines = [f"# Interleaved A/B: {old} (before) vs {new} (after)", "",
         f"Harness options `{opts}`; {rounds} rounds, run in the order {old}, {new}, {old}, {new}, … in one session on this machine.", "",
         "| round | rev | cell | clients | req/s | gateway CPU ms/request | p50 ms | errors |", "|---|---|---|---|---|---|---|---|"]
ratios = {}
for r in range(1, rounds + 1):
    a, b = cells(old, r), cells(new, r)
    for rev, rows in ((old, a), (new, b)):
        for (target, clients), c in sorted(rows.items()):
            lines.append(f"| {r} | {rev} | {target} | {clients} | {c['RequestsPerSecond']:.0f} | {c['GatewayCpuMsPerRequest']:.3f} | {c['P50Ms']:.2f} | {c['Errors']} |")
    for key in a.keys() & b.keys():
        ratios.setdefault(key, []).append((b[key]["RequestsPerSecond"] / a[key]["RequestsPerSecond"], b[key]["GatewayCpuMsPerRequest"] / a[key]["GatewayCpuMsPerRequest"]))
lines += ["", "| cell | clients | after/before req/s (per round) | after/before gateway CPU per request (per round) |", "|---|---|---|---|"]
for (target, clients), rs in sorted(ratios.items()):
    lines.append(f"| {target} | {clients} | {', '.join(f'{x:.2f}' for x, _ in rs)} (mean {statistics.mean(x for x, _ in rs):.2f}) | {', '.join(f'{y:.2f}' for _, y in rs)} (mean {statistics.mean(y for _, y in rs):.2f}) |")
open(f"{out}/{old}-{new}.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
