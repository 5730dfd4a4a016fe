#!/usr/bin/env bash
# Builds and runs every kata-pinning benchmark in one go, then prints one table (also written to
# benchmarks/target/table.md; JMH's own logs go to benchmarks/target/jmh-round-*.log).
#
#   benchmarks/run.sh            the full run, about 15 minutes on 2 CPUs
#   benchmarks/run.sh --quick    one short fork per benchmark, to try changes
#   benchmarks/run.sh --rounds 5 more rounds (default 3) for steadier medians on a busy machine
#   benchmarks/run.sh REGEX...   only the JMH benchmarks matching, e.g. 'AffinityBenchmark';
#                                'Startup' selects the start-up rows (bin/kata-pinning against java -version)
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The QMP and pinning benchmarks start a real QEMU; the C peer needs a compiler.
missing=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

jdk=$(bin/find-jdk)
echo "JDK: $jdk"

# The library modules the benchmarks use are built in the same reactor, without their tests.
./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
# The command's jars and AOT cache, for the start-up rows.
./mvnw -B -q -pl modules/kata.pinning.cli -am package -DskipTests
gcc -O2 -Wall -Wextra -o benchmarks/target/affinity_peer benchmarks/src/main/c/affinity_peer.c

java_opts=(--enable-native-access=ALL-UNNAMED)
# JMH 1.37 reads field offsets through sun.misc.Unsafe, which JDK 24+ warns about unless allowed.
feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
[ "${feature:-0}" -ge 23 ] && java_opts+=(--sun-misc-unsafe-memory-access=allow)

exec "$jdk/bin/java" "${java_opts[@]}" -jar benchmarks/target/benchmarks.jar \
    --c-peer benchmarks/target/affinity_peer \
    --log-dir benchmarks/target \
    --table benchmarks/target/table.md \
    --launcher bin/kata-pinning \
    "$@"
