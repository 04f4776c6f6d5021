#!/usr/bin/env bash
# Interleaved start-up comparison: each labelled command squashes the committed busybox sample N times (default 10),
# in turns, and the median wall time and median CPU time (user + sys) of each are printed, from plain `time`
# (/usr/bin/time). Usage: benchmarks/startup/compare.sh [N] LABEL=COMMAND...   (COMMAND is a java command line
# prefix; " squash -q SAMPLE -o OUT" is appended). Env: SAMPLE (default testdata/sample/busybox-sample.tar).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
n=10
case ${1:-} in [0-9]*) n=$1; shift ;; esac
SAMPLE=${SAMPLE:-$ROOT/testdata/sample/busybox-sample.tar}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
for i in $(seq "$n"); do
  for lc in "$@"; do
    label=${lc%%=*} cmd=${lc#*=}
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S" -a -o "$w/$label" $cmd squash -q "$SAMPLE" -o "$w/out.tar" >/dev/null
    rm -f "$w/out.tar"
  done
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg); median of $n interleaved runs"
for lc in "$@"; do
  label=${lc%%=*}
  med() { sort -n | awk '{a[NR] = $1} END {printf "%.3f", a[int((NR + 1) / 2)]}'; }
  printf '%-24s wall %s s  cpu %s s\n' "$label" "$(awk '{print $1}' "$w/$label" | med)" \
    "$(awk '{print $2 + $3}' "$w/$label" | med)"
done
