#!/usr/bin/env bash
# Okta SDK conformance: builds the CLI, starts `quantaproxy sandbox` on a free 127.0.0.1 port with an SSWS token and a
# service app (private_key_jwt + DPoP, key pair from `quantaproxy keys service-app`), runs sdk-conformance.mjs with Okta's
# unmodified Node.js SDK in SSWS and PrivateKey modes, then starts a gateway (embedded defaults, throwaway data folder) in
# front of the sandbox and runs transparent-conformance.mjs (the same SDK with orgUrl {gateway}/okta/{integration_id} and a
# QuantaProxy API key as its SSWS token), stops both and prints exactly one summary line:
#   okta-sdk-conformance: N passed, M failed
# Exits non-zero when a check failed or the suite could not run.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
SEED_USERS=120
# The sandbox command's defaults (SandboxOptions): the suite checks listings against them.
SEED_GROUPS=30
SEED_APPS=12
CLIENT_ID=0oasdkconformance01
TOKEN="00sdk-conformance-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
WORK=$(mktemp -d /tmp/qp-sdk.XXXXXX)
SANDBOX_PID=""
GATEWAY_PID=""
passed=0
failed=0

finish() {
  if [ -n "$GATEWAY_PID" ]; then
    kill "$GATEWAY_PID" 2>/dev/null
    wait "$GATEWAY_PID" 2>/dev/null
  fi
  if [ -n "$SANDBOX_PID" ]; then
    kill "$SANDBOX_PID" 2>/dev/null
    wait "$SANDBOX_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap finish EXIT

summary() {
  echo "okta-sdk-conformance: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}

give_up() {
  echo "okta-sdk-conformance: $1" >&2
  failed=$((failed + 1))
  summary
}

command -v node >/dev/null && command -v npm >/dev/null || give_up "node and npm are needed"
if [ ! -d "$HERE/node_modules/@okta/okta-sdk-nodejs" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --silent) >"$WORK/npm.log" 2>&1 || { cat "$WORK/npm.log" >&2; give_up "npm ci failed"; }
fi

dotnet build "$ROOT/src/QuantaProxy.Cli" -c Debug -v q -nologo >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; give_up "the CLI did not build"; }
CLI="$ROOT/src/QuantaProxy.Cli/bin/Debug/net10.0/quantaproxy.dll"

dotnet "$CLI" keys service-app --client-id "$CLIENT_ID" --kid sdk-key-1 --out "$WORK/app" >/dev/null || give_up "no service app key pair"

free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}

PORT=$(free_port)
ORG="http://127.0.0.1:$PORT"
dotnet "$CLI" sandbox --urls "$ORG" --api-token "$TOKEN" --seed-users "$SEED_USERS" \
  --service-app-jwks "$WORK/app/service-app.jwks.json" --client-id "$CLIENT_ID" >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
for _ in $(seq 1 150); do
  grep -q "Okta sandbox listening" "$WORK/sandbox.log" 2>/dev/null && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || break
  sleep 0.2
done
grep -q "Okta sandbox listening" "$WORK/sandbox.log" || { cat "$WORK/sandbox.log" >&2; give_up "the sandbox did not start"; }

# Adds the "<mode> mode: N checks passed, M failed" line of $WORK/<mode>.log to the totals.
count_mode() {
  local mode=$1 line
  line=$(grep -E "^$mode mode: [0-9]+ checks passed, [0-9]+ failed$" "$WORK/$mode.log" | tail -n 1)
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    echo "  FAILED  $mode: the suite ended without its closing line"
    return
  fi
  read -r p f <<<"$(sed -E 's/.*: ([0-9]+) checks passed, ([0-9]+) failed/\1 \2/' <<<"$line")"
  passed=$((passed + p))
  failed=$((failed + f))
}

run_mode() {
  local mode=$1
  shift
  # The SDK also reads okta.yaml and OKTA_CLIENT_* variables; run from the suite's folder with none of them.
  (cd "$HERE" && env -u OKTA_CLIENT_ORGURL -u OKTA_CLIENT_TOKEN -u OKTA_CLIENT_AUTHORIZATIONMODE -u OKTA_CLIENT_CLIENTID \
    -u OKTA_CLIENT_SCOPES -u OKTA_CLIENT_PRIVATEKEY -u OKTA_CLIENT_KEYID \
    timeout 300 node sdk-conformance.mjs --org-url "$ORG" --mode "$mode" --seed-users "$SEED_USERS" --seed-groups "$SEED_GROUPS" --seed-apps "$SEED_APPS" "$@") \
    | tee "$WORK/$mode.log"
  count_mode "$mode"
}

# Transparent mode: a gateway (the CLI's build includes it) on embedded defaults, allowed to reach the loopback sandbox.
run_transparent() {
  local port gateway
  port=$(free_port)
  gateway="http://127.0.0.1:$port"
  dotnet "$ROOT/src/QuantaProxy.Gateway/bin/Debug/net10.0/QuantaProxy.Gateway.dll" --urls "$gateway" \
    --QuantaProxy:DataDir="$WORK/gateway" --QuantaProxy:Okta:AllowLoopback=true >"$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  for _ in $(seq 1 150); do
    [ -s "$WORK/gateway/admin-key" ] && curl -fs "$gateway/healthz" >/dev/null 2>&1 && break
    kill -0 "$GATEWAY_PID" 2>/dev/null || break
    sleep 0.2
  done
  if ! curl -fs "$gateway/healthz" >/dev/null 2>&1; then
    tail -n 30 "$WORK/gateway.log" >&2
    failed=$((failed + 1))
    echo "  FAILED  transparent: the gateway did not start"
    return
  fi
  (cd "$HERE" && env -u OKTA_CLIENT_ORGURL -u OKTA_CLIENT_TOKEN -u OKTA_CLIENT_AUTHORIZATIONMODE \
    timeout 300 node transparent-conformance.mjs --gateway-url "$gateway" --admin-key-file "$WORK/gateway/admin-key" \
      --okta-url "$ORG" --okta-token "$TOKEN" --seed-users "$SEED_USERS" --seed-groups "$SEED_GROUPS") \
    | tee "$WORK/transparent.log"
  count_mode transparent
}

run_mode ssws --token "$TOKEN"
run_mode private-key --client-id "$CLIENT_ID" --private-key-file "$WORK/app/service-app-secret.json"
run_transparent
summary
