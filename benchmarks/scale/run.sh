#!/usr/bin/env bash
# Scale benchmark (issue 27): a generated image of GIB GiB, PATHS paths and LAYERS layers (gen_scale.py: even
# layers many small files, odd layers few large ones), squashed by ocisquash against the floor of
# benchmarks/floor/floor.c (SHA-256 of the input, libdeflate level 4 over THREADS threads of the squashed tar, SHA-256
# of the output; and the same with inflating the input and the diff_id), with peak RSS (/usr/bin/time -v) per
# million paths, and `--max-layers 32` against the single-layer squash; RUNS rounds, interleaved.
#
# Usage: benchmarks/scale/run.sh               (the full size: 10 GiB, 2 000 000 paths, 8 layers; ~25 GB of disk)
#        PATHS=200000 GIB=1 benchmarks/scale/run.sh   (the reduced size)
# Env: PATHS, GIB, LAYERS (default 8), RUNS (default 1), THREADS (default nproc), WORK (default .bench-work/scale),
#      OCISQUASH (default cli/target/ocisquash), RESULTS (default benchmarks/results), NOTE (into the CSV).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PATHS=${PATHS:-2000000}
GIB=${GIB:-10}
LAYERS=${LAYERS:-8}
RUNS=${RUNS:-1}
THREADS=${THREADS:-$(nproc)}
WORK=${WORK:-$ROOT/.bench-work/scale}
OCISQUASH=${OCISQUASH:-$ROOT/cli/target/ocisquash}
RESULTS=${RESULTS:-$ROOT/benchmarks/results}
NOTE=${NOTE:-"load $(cut -d' ' -f1 /proc/loadavg) at start"}
[ -x "$OCISQUASH" ] || { echo "missing $OCISQUASH: run ./mvnw -q package -DskipTests first" >&2; exit 1; }
mkdir -p "$WORK" "$RESULTS"
FLOOR=$WORK/floor
gcc -O2 -pthread "$ROOT/benchmarks/floor/floor.c" -o "$FLOOR" -l:libdeflate.so.0 -lcrypto
IMG=$WORK/image-$PATHS-$GIB-$LAYERS
if [ ! -f "$IMG/index.json" ]; then
  echo "== generating $IMG" >&2
  python3 benchmarks/scale/gen_scale.py "$IMG" --paths "$PATHS" --gib "$GIB" --layers "$LAYERS" >&2
fi
LS=$(python3 - "$IMG" <<'PY'
import json, os, sys
root = sys.argv[1]
idx = json.load(open(os.path.join(root, "index.json")))
m = json.load(open(os.path.join(root, "blobs", *idx["manifests"][0]["digest"].split(":"))))
print(" ".join(os.path.join(root, "blobs", *l["digest"].split(":")) for l in m["layers"]))
PY
)
CSV=$RESULTS/scale-$(date +%Y-%m-%d).csv
[ -f "$CSV" ] || echo "date,paths,gib,layers,run,floor_s,floor_inflate_s,squash_s,squash_cpu_s,squash_rss_mib,rss_mib_per_mpaths,ratio,ratio_inflate,max_layers_32_s,max_layers_32_rss_mib,max_layers_ratio,in_mib,tar_mib,threads,note,floor_cpu_s,floor_inflate_cpu_s,cpu_ratio,cpu_ratio_inflate" > "$CSV"

# timed CMD...: sets T_WALL, T_CPU and T_RSS (MiB) from /usr/bin/time -v
timed() {
  /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/cmd.log" 2>&1 || { echo "failed: $*" >&2; tail -5 "$WORK/cmd.log" >&2; exit 1; }
  T_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$WORK/time.txt")
  T_CPU=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$WORK/time.txt")
  T_RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/time.txt")
}
echo "== the squashed tar (--compression none), for the floor" >&2
rm -rf "$WORK/none"
"$OCISQUASH" squash -q "$IMG" -o "$WORK/none" --format oci-dir --compression none
TAR=$(ls -S "$WORK"/none/blobs/sha256/* | head -1)
# shellcheck disable=SC2086
IN_B=$(cat $LS | wc -c)
TAR_B=$(stat -c %s "$TAR")
for i in $(seq "$RUNS"); do
  # shellcheck disable=SC2086
  FO=$("$FLOOR" -t "$THREADS" -o "$TAR" $LS)
  # shellcheck disable=SC2086
  FIO=$("$FLOOR" -t "$THREADS" -i -d -o "$TAR" $LS)
  F=$(echo "$FO" | sed 's/.*wall_s=\([^ ]*\).*/\1/') FC=$(echo "$FO" | sed 's/.*cpu_s=\([^ ]*\).*/\1/')
  FI=$(echo "$FIO" | sed 's/.*wall_s=\([^ ]*\).*/\1/') FIC=$(echo "$FIO" | sed 's/.*cpu_s=\([^ ]*\).*/\1/')
  rm -f "$WORK/out.tar"
  timed "$OCISQUASH" squash -q "$IMG" -o "$WORK/out.tar"
  S=$T_WALL SC=$T_CPU SR=$T_RSS
  rm -f "$WORK/out.tar"
  timed "$OCISQUASH" squash -q "$IMG" -o "$WORK/out.tar" --max-layers 32
  rm -f "$WORK/out.tar"
  awk -v d="$(date +%F)" -v p="$PATHS" -v g="$GIB" -v l="$LAYERS" -v r="$i" -v f="$F" -v fi="$FI" -v s="$S" -v sc="$SC" \
    -v sr="$SR" -v m="$T_WALL" -v mr="$T_RSS" -v ib="$IN_B" -v tb="$TAR_B" -v th="$THREADS" -v n="$NOTE" -v fc="$FC" -v fic="$FIC" 'BEGIN {
    printf "%s,%s,%s,%s,%s,%.3f,%.3f,%.2f,%.2f,%s,%.0f,%.2f,%.2f,%.2f,%s,%.2f,%.1f,%.1f,%s,\"%s\",%.2f,%.2f,%.2f,%.2f\n", d, p, g, l, r,
      f, fi, s, sc, sr, sr / (p / 1e6), s / f, s / fi, m, mr, m / s, ib / 1048576, tb / 1048576, th, n, fc, fic, sc / fc, sc / fic }' |
    tee -a "$CSV" >&2
done
echo "== columns: floor_s, ratio = squash / floor, rss_mib_per_mpaths = peak RSS / million paths, max_layers_ratio = --max-layers 32 / single layer; $CSV" >&2
