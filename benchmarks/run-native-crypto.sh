#!/usr/bin/env bash
# Would a native ML-DSA/ML-KEM provider raise the crypto ceiling? (issue 6)
#
# .NET's MLDsa/MLKem need OpenSSL >= 3.5; Debian 12 ships 3.0, and Debian 13's libssl3t64 needs glibc 2.38+. So this
# script fetches Debian 13's libc6 and libssl3t64 .debs (from the Debian mirror the machine already uses), unpacks them
# into a throwaway folder, and runs the comparison twice in the same minute: once on the machine's own OpenSSL
# (BouncyCastle only) and once under a copy of the dotnet host whose ELF interpreter and search path point at the
# unpacked glibc 2.41 + OpenSSL 3.5 (BouncyCastle and native side by side). Nothing is installed system-wide except
# Debian's patchelf when it is missing. Results: benchmarks/results/native-crypto.md.
#
#   bash benchmarks/run-native-crypto.sh [--rounds 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=2000
[ "${1:-}" = "--rounds" ] && ROUNDS="$2"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
OUT=benchmarks/results/native-crypto.md
WORK=$(mktemp -d /tmp/qp-native-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

command -v patchelf >/dev/null || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null; }

echo "native-crypto: fetching Debian 13 (trixie) libc6 and libssl3t64"
curl -fsS "$MIRROR/dists/trixie/main/binary-amd64/Packages.xz" | xz -dc >"$WORK/Packages"
for package in libc6 libssl3t64; do
  file=$(awk -v p="$package" '$0 == "Package: " p {f = 1} f && /^Filename:/ {print $2; exit}' "$WORK/Packages")
  [ -n "$file" ] || { echo "native-crypto: $package not in the trixie index"; exit 1; }
  curl -fsS -o "$WORK/$(basename "$file")" "$MIRROR/$file"
  dpkg-deb -x "$WORK/$(basename "$file")" "$WORK/root"
  echo "native-crypto:   $(basename "$file")"
done
LIB="$WORK/root/usr/lib/x86_64-linux-gnu"

# A dotnet host that runs on the unpacked glibc and finds the unpacked libssl first (DT_RPATH also covers dlopen).
DOTNET_HOME=$(dirname "$(readlink -f "$(command -v dotnet)")")
mkdir -p "$WORK/dotnet"
ln -s "$DOTNET_HOME/host" "$WORK/dotnet/host"
ln -s "$DOTNET_HOME/shared" "$WORK/dotnet/shared"
cp "$DOTNET_HOME/dotnet" "$WORK/dotnet/dotnet"
patchelf --set-interpreter "$LIB/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$LIB" "$WORK/dotnet/dotnet"

dotnet build -c Release benchmarks/QuantaProxy.LoadBenchmark -v quiet -nologo >/dev/null
DLL=benchmarks/QuantaProxy.LoadBenchmark/bin/Release/net10.0/QuantaProxy.LoadBenchmark.dll

{
  echo "# Native ML-DSA / ML-KEM against BouncyCastle (issue 6)"
  echo
  echo "Run of $(date -u '+%Y-%m-%d %H:%M') UTC by \`bash benchmarks/run-native-crypto.sh\` (one thread, $ROUNDS timed rounds per row after a warm-up;"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg))."
  echo
  echo "## On the machine's own OpenSSL (Debian 12)"
  echo
} >"$OUT"
dotnet "$DLL" native-crypto --rounds "$ROUNDS" --append-to "$OUT"
{
  echo "## On Debian 13's glibc 2.41 and OpenSSL 3.5 (same binaries, same minute)"
  echo
} >>"$OUT"
"$WORK/dotnet/dotnet" "$DLL" native-crypto --rounds "$ROUNDS" --append-to "$OUT"
echo "native-crypto: wrote $OUT"
