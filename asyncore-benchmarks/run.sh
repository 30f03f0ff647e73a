#!/usr/bin/env bash
# Echo-server comparison: builds the benchmark jar when it is missing (or REBUILD=1), compiles the C programs with gcc (the
# epoll echo server, the echo_load client, and tls_load when libssl-dev is installed), raises the open-file limit, pins the
# harness to the client cores and runs every server alternately. Options are passed on to dev.asyncore.bench.Compare, e.g.:
#   asyncore-benchmarks/run.sh --rounds 3 --warmup 2 --duration 3 --idle 10000 --servers c,nio,netty,netty-epoll,asyncore
#   asyncore-benchmarks/run.sh --server-cores 1 --client-cores 0        # the layout on 2 cores (the default)
#   asyncore-benchmarks/run.sh --server-cores 0 --client-cores 1-7      # 8 cores: 7 client processes, one per core
# With RUN_MAIN=<class> the same setup runs another comparison, e.g. RUN_MAIN=TlsCompare or RUN_MAIN=LoopsCompare.
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
  gcc -O2 -o "$here/target/epoll_echo" "$here/src/main/c/epoll_echo.c"
  gcc -O2 -o "$here/target/echo_load" "$here/src/main/c/echo_load.c"
  if ! gcc -O2 -o "$here/target/tls_load" "$here/src/main/c/tls_load.c" -lssl -lcrypto 2>/dev/null; then
    echo "tls_load not built (no libssl-dev?): TlsCompare falls back to the JDK's SSLSocket client" >&2
  fi
else
  echo "gcc not found: the C server and the C load clients are skipped (the Java client is used)" >&2
fi

# 10,000 idle connections need as many descriptors in the client and in the server.
want=65536
hard="$(ulimit -Hn)"
if [[ "$hard" != unlimited && "$hard" -lt "$want" ]]; then want="$hard"; fi
ulimit -n "$want"
if [[ "$want" -lt 12000 ]]; then
  echo "warning: open-file limit is $want; pass a smaller --idle than 10000" >&2
fi

# The harness itself (and with --client java, the load) runs on the client cores: --client-cores, else CLIENT_CPU, else 0.
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
main="dev.asyncore.bench.${RUN_MAIN:-Compare}"
exec "${pin[@]}" java -Xms512m -Xmx2g -cp "$jar" "$main" --c-binary "$here/target/epoll_echo" \
  --c-dir "$here/target" "$@"
