#!/usr/bin/env bash
# UDP echo comparison: builds the benchmark jar when it is missing (or REBUILD=1), compiles the C UDP echo servers (one
# recvfrom/sendto per datagram, and recvmmsg/sendmmsg) and the C load client with gcc, pins the harness to the client cores
# and runs the servers alternately. Options are passed on to dev.asyncore.bench.UdpCompare, e.g.:
#   asyncore-benchmarks/run-udp.sh --rounds 3 --duration 3 --clients 8 --window 8 --size 64
#   asyncore-benchmarks/run-udp.sh --servers c,c-mmsg,netty,netty-epoll,asyncore --server-cores 1 --client-cores 0
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
  gcc -O2 -o "$here/target/udp_mmsg_echo" "$here/src/main/c/udp_mmsg_echo.c"
  gcc -O2 -o "$here/target/udp_load" "$here/src/main/c/udp_load.c"
else
  echo "gcc not found: the C UDP servers and the C load client are skipped (the Java client is used)" >&2
fi

client_cores="${CLIENT_CPU:-0}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[i]}" == --client-cores && $((i + 1)) -lt ${#args[@]} ]]; then client_cores="${args[i + 1]}"; fi
done
pin=()
if command -v taskset >/dev/null && [[ "$(nproc --all)" -ge 2 && "$client_cores" != none ]]; then
  pin=(taskset -c "$client_cores")
fi
cd "$root"
exec "${pin[@]}" java -Xms256m -Xmx1g -cp "$jar" dev.asyncore.bench.UdpCompare --c-binary "$here/target/udp_echo" \
  --c-dir "$here/target" "$@"
