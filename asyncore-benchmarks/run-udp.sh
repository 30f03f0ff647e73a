#!/usr/bin/env bash
# UDP echo comparison: builds the benchmark jar when it is missing (or REBUILD=1), compiles the C UDP echo server with gcc,
# pins this client to CPU 0 (each server runs pinned to CPU 1) and runs the servers alternately. Options are passed on to
# dev.asyncore.bench.UdpCompare, e.g.:
#   asyncore-benchmarks/run-udp.sh --rounds 3 --duration 3 --clients 8 --window 8 --size 64 --servers c,netty,asyncore
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"

if [[ ! -f "$jar" || "${REBUILD:-0}" == 1 ]]; then
  (cd "$root" && { mvn -B -q -o -Pbenchmarks -pl asyncore-benchmarks -am package -Dmaven.test.skip=true \
      || mvn -B -q -Pbenchmarks -pl asyncore-benchmarks -am package -Dmaven.test.skip=true; })
fi
mkdir -p "$here/target"
if command -v gcc >/dev/null; then
  gcc -O2 -o "$here/target/udp_echo" "$here/src/main/c/udp_echo.c"
else
  echo "gcc not found: the C UDP server is skipped" >&2
fi

pin=()
if command -v taskset >/dev/null && [[ "$(nproc --all)" -ge 2 ]]; then
  pin=(taskset -c "${CLIENT_CPU:-0}")
fi
cd "$root"
exec "${pin[@]}" java -Xms256m -Xmx1g -cp "$jar" dev.asyncore.bench.UdpCompare --c-binary "$here/target/udp_echo" "$@"
