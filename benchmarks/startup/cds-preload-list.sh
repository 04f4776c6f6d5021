#!/usr/bin/env bash
# Writes cli/src/main/resources/dev/ocisquash/cli/cds-preload.txt: the classes that the launcher's class-data archive
# should hold whatever command made it (CdsPreload loads them at the end of that run). They are the classes loaded
# by four commands on the busybox sample: a squash to a gzip OCI archive, a squash of that gzip image to zstd, an
# analyze, and a registry-to-registry squash through a local docker-registry; minus the JDK's own default class
# list (already in the base archive) and the classes the JVM generates (lambdas, proxies, lambda forms).
# Usage: benchmarks/startup/cds-preload-list.sh   (after ./mvnw -q package -DskipTests; needs docker-registry, skopeo)
# Env: JAVA (default java; the JDK the list is made with should be the one CI builds with)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=benchmarks/lib/registry.sh
. "$ROOT/benchmarks/lib/registry.sh"
JAVA=${JAVA:-java}
JAR=$ROOT/cli/target/ocisquash.jar
SAMPLE=$ROOT/testdata/sample/busybox-sample.tar
OUT=$ROOT/cli/src/main/resources/dev/ocisquash/cli/cds-preload.txt
[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -q package -DskipTests first" >&2; exit 1; }
W=$(mktemp -d)
REG_PID=
cleanup() { [ -z "$REG_PID" ] || kill "$REG_PID" 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
run() { local log=$1; shift; "$JAVA" -XX:+UseSerialGC "-Xlog:class+load:file=$W/$log" -jar "$JAR" "$@"; }
run a.log squash -q "$SAMPLE" -o "$W/gz.tar" --format oci --compression gzip
run b.log squash -q "oci-archive:$W/gz.tar" -o "$W/zst.tar" --format oci --compression zstd
run c.log analyze -q "$SAMPLE" > /dev/null
start_loopback_registry "$W/reg"
port=$REG_PORT
insecure_registry "127.0.0.1:$port" > "$W/registries.conf"
skopeo --registries-conf "$W/registries.conf" copy -q "docker-archive:$SAMPLE" "docker://127.0.0.1:$port/s/src:1"
run d.log squash -q "docker://127.0.0.1:$port/s/src:1" -o "docker://127.0.0.1:$port/s/out:1" --tls-verify=false
home=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
tr / . < "$home/lib/classlist" | grep -v '^@' | LC_ALL=C sort -u > "$W/jdk.txt"
cat "$W"/?.log | awk '{print $2}' | grep -v -e '\$\$Lambda' -e 'LambdaForm\$' -e '\$Proxy' -e '/0x' \
  -e '^jdk\.internal\.reflect\.Generated' -e '^com\.sun\.proxy' | LC_ALL=C sort -u > "$W/all.txt"
LC_ALL=C comm -23 "$W/all.txt" "$W/jdk.txt" > "$OUT"
echo "$(wc -l < "$OUT") classes in $OUT" >&2
