#!/usr/bin/env bash
# A/B of JVM options for the launcher: each round runs one squash per option set (OCISQUASH_JAVA_OPTS), in turn,
# and the medians of wall and CPU (user + sys, /usr/bin/time) are printed per set. Used for docs/performance.md,
# "The JIT". The launcher's CDS archives are made first, by a squash of the sample, so start-up is as users see it.
# Usage: benchmarks/floor/ab-opts.sh ROUNDS INPUT "SQUASH ARGS" "OPTS 1" "OPTS 2" ...
#   e.g. benchmarks/floor/ab-opts.sh 8 oci:.bench-work/floor/gen-50000-72 "" "-XX:+UseSerialGC -Xmn32m" \
#        "-XX:+UseSerialGC -Xmn32m -XX:Tier4InvocationThreshold=50000"
# Env: OCISQUASH (default cli/target/ocisquash), WORK (default .bench-work/ab-opts)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 4 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
ROUNDS=$1 INPUT=$2 ARGS=$3
shift 3
OCISQUASH=${OCISQUASH:-$ROOT/cli/target/ocisquash}
WORK=${WORK:-$ROOT/.bench-work/ab-opts}
mkdir -p "$WORK"
"$OCISQUASH" squash -q "$ROOT/testdata/sample/busybox-sample.tar" -o "$WORK/out.tar"
LOG=$WORK/times.txt
: > "$LOG"
for _ in $(seq "$ROUNDS"); do
  i=0
  for o in "$@"; do
    i=$((i + 1))
    rm -f "$WORK/out.tar"
    # shellcheck disable=SC2086 # ARGS is a list of words
    OCISQUASH_JAVA_OPTS="$o" /usr/bin/time -o "$WORK/t" -f "$i %e %U %S" "$OCISQUASH" squash -q $ARGS "$INPUT" \
      -o "$WORK/out.tar"
    cat "$WORK/t" >> "$LOG"
  done
done
rm -f "$WORK/out.tar" "$WORK/t"
python3 - "$LOG" "$@" <<'PY'
import collections, statistics, sys
wall, cpu = collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[1]):
    i, e, u, s = line.split()
    wall[int(i)].append(float(e))
    cpu[int(i)].append(float(u) + float(s))
for i, opts in enumerate(sys.argv[2:], 1):
    print("median wall %6.2f s  cpu %6.2f s  (%d runs)  %s" % (statistics.median(wall[i]),
          statistics.median(cpu[i]), len(wall[i]), opts))
PY
