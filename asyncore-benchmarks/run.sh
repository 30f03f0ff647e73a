#!/usr/bin/env bash
# Echo-server comparison: builds the benchmark jar when it is missing (or REBUILD=1), compiles the C epoll server with gcc,
# raises the open-file limit, pins this client to CPU 0 (Compare pins each server to CPU 1) and runs every server
# alternately. Options are passed on to dev.asyncore.bench.Compare, e.g.:
#   asyncore-benchmarks/run.sh --rounds 3 --warmup 2 --duration 3 --idle 10000 --servers c,nio,netty,asyncore,starter
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
else
  echo "gcc not found: the C epoll server is skipped" >&2
fi

# 10,000 idle connections need as many descriptors in the client and in the server.
want=65536
hard="$(ulimit -Hn)"
if [[ "$hard" != unlimited && "$hard" -lt "$want" ]]; then want="$hard"; fi
ulimit -n "$want"
if [[ "$want" -lt 12000 ]]; then
  echo "warning: open-file limit is $want; pass a smaller --idle than 10000" >&2
fi

pin=()
if command -v taskset >/dev/null && [[ "$(nproc --all)" -ge 2 ]]; then
  pin=(taskset -c "${CLIENT_CPU:-0}")
fi
cd "$root"
exec "${pin[@]}" java -Xms512m -Xmx2g -cp "$jar" dev.asyncore.bench.Compare --c-binary "$here/target/epoll_echo" "$@"
