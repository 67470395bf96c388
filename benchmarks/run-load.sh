#!/usr/bin/env bash
# The separate-process load benchmark (issue 6), one command:
#   bash benchmarks/run-load.sh [harness options]     e.g. --seconds 10 --soak-seconds 300 --clients 1,8,64 --kms-url URL
# Builds what it needs (Release), starts moto_server as the KMS-compatible server when it is installed and no KMS URL
# is given, then runs the harness, which starts the Okta sandbox and the gateway as separate processes on loopback and
# writes benchmarks/results/load.md and load.json. Options given here win over the defaults below.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$(date +%s)

dotnet build -c Release src/QuantaProxy.Cli -v q -nologo -clp:ErrorsOnly
dotnet build -c Release benchmarks/QuantaProxy.LoadBenchmark -v q -nologo -clp:ErrorsOnly
build_seconds=$(( $(date +%s) - started ))
echo "run-load: Release build done in ${build_seconds} s"

moto_pid=""
cleanup() { if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

kms=()
if [[ " $* " != *" --kms-url "* && -z "${QP_TEST_KMS_URL:-}" ]] && command -v moto_server >/dev/null; then
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()')
  moto_server -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/qp-load-moto.log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  kms=(--kms-url "http://127.0.0.1:$port")
  echo "run-load: moto_server (KMS) on 127.0.0.1:$port"
fi

dotnet benchmarks/QuantaProxy.LoadBenchmark/bin/Release/net10.0/QuantaProxy.LoadBenchmark.dll load "$@" "${kms[@]}" \
  --seconds 10 --soak-seconds 300 --out benchmarks/results --build-seconds "$build_seconds" \
  --command "bash benchmarks/run-load.sh${*:+ $*}"
echo "run-load: finished in $(( $(date +%s) - started )) s"
