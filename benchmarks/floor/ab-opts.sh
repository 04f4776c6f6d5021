#!/usr/bin/env bash
# A/B of JVM options for the launcher: one wrapper per option set (OCISQUASH_JAVA_OPTS), then
# benchmarks/startup/compare.sh runs them interleaved on INPUT and prints the medians of wall and CPU per set. Used
# for docs/performance.md, "The JIT". The launcher's CDS archives are made first, by a squash of the sample, so
# start-up is as users see it.
# Usage: benchmarks/floor/ab-opts.sh ROUNDS INPUT "SQUASH ARGS" "OPTS 1" "OPTS 2" ...
#   e.g. benchmarks/floor/ab-opts.sh 8 oci:.bench-work/floor/gen-50000-72 "" "-XX:+UseSerialGC -Xmn32m" \
#        "-XX:+UseSerialGC -Xmn32m -XX:Tier4InvocationThreshold=50000"
# Env: OCISQUASH (default cli/target/ocisquash), WORK (default .bench-work/ab-opts)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 4 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
ROUNDS=$1 INPUT=$2 ARGS=$3
shift 3
OCISQUASH=${OCISQUASH:-$ROOT/cli/target/ocisquash}
WORK=${WORK:-$ROOT/.bench-work/ab-opts}
mkdir -p "$WORK"
"$OCISQUASH" squash -q "$ROOT/testdata/sample/busybox-sample.tar" -o "$WORK/out.tar"
rm -f "$WORK/out.tar"
variants=()
i=0
for o in "$@"; do
  i=$((i + 1))
  # compare.sh runs "WRAPPER squash -q INPUT -o OUT"; the squash arguments go after those
  printf '#!/bin/sh\nOCISQUASH_JAVA_OPTS=%q exec %q "$@" %s\n' "$o" "$OCISQUASH" "$ARGS" > "$WORK/opts$i"
  chmod +x "$WORK/opts$i"
  variants+=("opts$i=$WORK/opts$i")
  echo "opts$i: $o"
done
SAMPLE=$INPUT "$ROOT/benchmarks/startup/compare.sh" "$ROUNDS" "${variants[@]}"
