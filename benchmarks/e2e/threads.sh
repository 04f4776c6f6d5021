#!/usr/bin/env bash
# Thread scaling: the same squash with --threads 1, 2, 4, ... up to THREADS_MAX (default nproc), for gzip output
# (ISA-L, the default where libisal.so.2 loads, and zlib, the compression-bound case) and zstd output, on the
# docker-archive the e2e harness left in WORK (run benchmarks/e2e/run.sh --keep first). Prints a
# CSV (also written to RESULTS/threads-DATE.csv) and checks that every thread count wrote identical bytes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$ROOT/.bench-work/e2e}
OCISQUASH=${OCISQUASH:-$ROOT/cli/target/ocisquash}
RESULTS=${RESULTS:-$ROOT/benchmarks/results}
MAX=${THREADS_MAX:-$(nproc)}
IN=${IN:-$WORK/image.docker.tar}
[ -f "$IN" ] || { echo "missing $IN: run benchmarks/e2e/run.sh --keep first" >&2; exit 1; }
CSV=$RESULTS/threads-$(date +%Y-%m-%d).csv
OUT=$(mktemp -d "$WORK/threads.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
echo "compression,threads,wall_s,cpu_s,max_rss_mib,speedup_vs_1,sha256" > "$CSV"
for c in gzip gzip-zlib zstd; do
  base=""
  args=(--compression "${c%-zlib}")
  [ "$c" = gzip-zlib ] && args+=(--gzip-encoder zlib)
  t=1
  while [ "$t" -le "$MAX" ]; do
    o=$OUT/$c-$t.tar
    sync
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/time" "$OCISQUASH" squash -q "$IN" -o "$o" "${args[@]}" --threads "$t"
    read -r wall user sys rss < "$OUT/time"
    sum=$(sha256sum "$o" | cut -c1-16)
    [ -n "$base" ] || base=$wall
    printf '%s,%s,%s,%s,%s,%s,%s\n' "$c" "$t" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" \
      "$(echo "scale=2; $base / $wall" | bc)" "$sum" >> "$CSV"
    rm -f "$o"
    t=$((t * 2))
  done
done
echo "# input: $IN; $(nproc) cores; $(java -version 2>&1 | head -1)" >> "$CSV"
column -s, -t < "$CSV"
# Same bytes whatever the thread count (per compression).
for c in gzip gzip-zlib zstd; do
  n=$(grep "^$c," "$CSV" | cut -d, -f7 | sort -u | wc -l)
  [ "$n" = 1 ] || { echo "output differs between thread counts for $c" >&2; exit 1; }
done
echo "== wrote $CSV"
