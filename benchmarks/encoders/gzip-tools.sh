#!/usr/bin/env bash
# Times external gzip tools on one input; prints CSV rows like GzipEncoders.java (second of two runs).
# Usage: benchmarks/encoders/gzip-tools.sh INPUT.tar   (needs igzip from the isal package, pigz, gzip, bc)
set -euo pipefail
in=$1
size=$(stat -c %s "$in")
row() { # name level threads cmd...
  local name=$1 level=$2 threads=$3; shift 3
  local s
  for rep in 1 2; do
    local t0=$(date +%s.%N)
    "$@" < "$in" > "${TMPDIR:-/tmp}/gzip-tools.gz"
    local t1=$(date +%s.%N)
    s=$(echo "$t1 - $t0" | bc -l)
  done
  local out=$(stat -c %s "${TMPDIR:-/tmp}/gzip-tools.gz")
  printf '%s,%s,%s,%.2f,%.0f,%.4f\n' "$name" "$level" "$threads" "$s" "$(echo "$size / 1000000 / $s" | bc -l)" "$(echo "$out / $size" | bc -l)"
}
row igzip-0 0 1 igzip -0 -c
row igzip-1 1 1 igzip -1 -c
row igzip-2 2 1 igzip -2 -c
row igzip-3 3 1 igzip -3 -c
row igzip-3-T2 3 2 igzip -3 -T 2 -c
row pigz-p1-6 6 1 pigz -p 1 -6 -c
row pigz-p2-6 6 2 pigz -p 2 -6 -c
row pigz-p2-1 1 2 pigz -p 2 -1 -c
row gzip-6 6 1 gzip -6 -c
