#!/usr/bin/env bash
# End-to-end benchmark: ocisquash against the native floors (decompress the input once, compress the output once)
# and against peer tools, on a generated image; all measured in this one invocation so they share the machine's
# state. See benchmarks/README.md.
#
# Usage: benchmarks/e2e/run.sh [--quick | --debian] [--keep]
#   --quick  ~200 MiB image with 20k small files (a few minutes) instead of ~2 GiB with 200k
#   --debian the realistic image built from Debian packages (testdata/debian/build-debian-image.sh: debootstrap,
#            python3-numpy, openjdk-17, gcc...; built once into $DEBIAN_DIR, default .bench-work/debian, then
#            reused) instead of the generated one
#   --keep   keep the work directory (generated image, outputs)
# Env: WORK (default .bench-work/e2e), THREADS (default nproc), OCISQUASH (default cli/target/ocisquash, the
#      shipped launcher script with its JVM settings),
#      RESULTS (default benchmarks/results), FILES / LARGE_MIB / SUFFIX (image size and result-file suffix, for
#      the scaling runs), PEERS=0 (skip umoci, buildah and skopeo)
# Needs: java, python3, pigz, gzip, zstd, /usr/bin/time; optional umoci, skopeo, gnuplot.
set -euo pipefail

QUICK=0
KEEP=0
DEBIAN=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    --debian) DEBIAN=1 ;;
    --keep) KEEP=1 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
WORK=${WORK:-$ROOT/.bench-work/e2e}
THREADS=${THREADS:-$(nproc)}
OCISQUASH=${OCISQUASH:-$ROOT/cli/target/ocisquash}
RESULTS=${RESULTS:-$ROOT/benchmarks/results}
STAMP=$(date +%Y-%m-%d)
if [ "$DEBIAN" = 1 ]; then
  SUFFIX=${SUFFIX:--debian}
elif [ "$QUICK" = 1 ]; then
  FILES=${FILES:-20000}; LARGE_MIB=${LARGE_MIB:-28}; SUFFIX=${SUFFIX:--quick}
else
  FILES=${FILES:-200000}; LARGE_MIB=${LARGE_MIB:-280}; SUFFIX=${SUFFIX:-}
fi
CSV=$RESULTS/e2e-$STAMP$SUFFIX.csv
PNG=$RESULTS/e2e-$STAMP$SUFFIX.png

for t in java python3 pigz gzip zstd /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "missing $t (apt-get install -y pigz zstd time)" >&2; exit 1; }
done
[ -x "$OCISQUASH" ] || { echo "missing $OCISQUASH: run ./mvnw -q package -DskipTests first" >&2; exit 1; }

mkdir -p "$WORK" "$RESULTS"
LAYOUT=$WORK/image
OUT=$WORK/out
rm -rf "$OUT"; mkdir -p "$OUT"

TAG=bench
if [ "$DEBIAN" = 1 ]; then
  DEBIAN_DIR=${DEBIAN_DIR:-$ROOT/.bench-work/debian}
  echo "== building (or reusing) the Debian image in $DEBIAN_DIR"
  bash testdata/debian/build-debian-image.sh "$DEBIAN_DIR"
  LAYOUT=$DEBIAN_DIR/layout
  TAG=debian
else
  echo "== generating image (files=$FILES, large=${LARGE_MIB} MiB/layer) in $LAYOUT"
  python3 benchmarks/e2e/gen_image.py "$LAYOUT" --files "$FILES" --large-mib "$LARGE_MIB" --tag bench
fi
LAYERS=$(python3 - "$LAYOUT" <<'PY'
import json, sys, os
root = sys.argv[1]
idx = json.load(open(os.path.join(root, "index.json")))
m = json.load(open(os.path.join(root, "blobs", *idx["manifests"][0]["digest"].split(":"))))
print(" ".join(os.path.join(root, "blobs", *l["digest"].split(":")) for l in m["layers"]))
PY
)
IN_BYTES=$(cat $LAYERS | wc -c)
DOCKER_IN=$WORK/image.docker.tar
if command -v skopeo >/dev/null; then
  rm -f "$DOCKER_IN"
  skopeo copy -q "oci:$LAYOUT:$TAG" "docker-archive:$DOCKER_IN:bench:latest"
fi

echo "case,category,wall_s,user_s,sys_s,cpu_s,max_rss_mib,out_bytes,floor,floor_s,wall_vs_floor" > "$CSV"
declare -A WALL

# measure NAME CATEGORY OUTPUT_PATH_OR_- COMMAND: runs COMMAND (a bash string) under /usr/bin/time -v.
measure() {
  local name=$1 cat=$2 outp=$3 cmd=$4
  local tv=$WORK/time-$name.txt
  sync
  echo "== $name: $cmd"
  if ! /usr/bin/time -v -o "$tv" bash -c "$cmd" >"$WORK/log-$name.txt" 2>&1; then
    echo "   FAILED (see $WORK/log-$name.txt)"; tail -5 "$WORK/log-$name.txt"; return 0
  fi
  local wall user sys rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$tv")
  user=$(awk -F': ' '/User time/ {print $2}' "$tv")
  sys=$(awk -F': ' '/System time/ {print $2}' "$tv")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$tv")
  local bytes=""
  if [ "$outp" != "-" ] && [ -e "$outp" ]; then bytes=$(du -sb "$outp" | cut -f1); fi
  WALL[$name]=$wall
  printf '%s,%s,%s,%s,%s,%s,%s,%s\n' "$name" "$cat" "$wall" "$user" "$sys" \
    "$(echo "$user + $sys" | bc)" "$rss" "$bytes" >> "$CSV.tmp"
  printf '   wall %ss cpu %ss rss %s MiB\n' "$wall" "$(echo "$user + $sys" | bc)" "$rss"
}
rm -f "$CSV.tmp"

# Floors: what the work costs at minimum with native tools on this machine.
measure input_cat floor - "cat $LAYERS > /dev/null"
measure input_gunzip floor - "for f in $LAYERS; do gzip -dc \$f; done > /dev/null"
measure input_pigz_d floor - "for f in $LAYERS; do pigz -dc \$f; done > /dev/null"

J="$OCISQUASH squash -q"
# ocisquash; the uncompressed oci-dir run also yields the squashed tar for the compression floors.
measure ocisquash_none ocisquash "$OUT/none-dir" "$J $LAYOUT -o $OUT/none-dir --format oci-dir --compression none"
SQ_TAR=$(ls -S "$OUT"/none-dir/blobs/sha256/* 2>/dev/null | head -1 || true)
if [ -n "$SQ_TAR" ]; then
  measure output_pigz floor - "pigz -p $THREADS -6 -c $SQ_TAR > /dev/null"
  measure output_gzip1t floor - "cat $SQ_TAR | gzip -6 -n > /dev/null"
  measure output_zstd floor - "zstd -q -3 -T$THREADS -c $SQ_TAR > /dev/null"
fi
measure ocisquash_gzip ocisquash "$OUT/sq-gzip.tar" "$J $LAYOUT -o $OUT/sq-gzip.tar --compression gzip"
measure ocisquash_zstd ocisquash "$OUT/sq-zstd.tar" "$J $LAYOUT -o $OUT/sq-zstd.tar --compression zstd"
if [ -f "$DOCKER_IN" ]; then
  measure ocisquash_gzip_docker ocisquash "$OUT/sq-docker.tar" \
    "$J $DOCKER_IN -o $OUT/sq-docker.tar --compression gzip"
  # Uncompressed in, uncompressed out, against copying the same archive to a file in the same directory: cat
  # alone (the page cache absorbs it), and cat + sync (ocisquash fsyncs its output before renaming it into place).
  measure docker_cat_to_file floor - "cat $DOCKER_IN > $OUT/cat.tar; rm -f $OUT/cat.tar"
  measure docker_cat_sync floor - "cat $DOCKER_IN > $OUT/cat.tar && sync $OUT/cat.tar; rm -f $OUT/cat.tar"
  measure ocisquash_none_docker ocisquash "$OUT/sq-none-docker.tar" \
    "$J $DOCKER_IN -o $OUT/sq-none-docker.tar --compression none"
fi
if [ -f testdata/sample/busybox-sample.tar ]; then
  measure ocisquash_gzip_busybox_sample ocisquash "$OUT/sq-busybox.tar" \
    "$J testdata/sample/busybox-sample.tar -o $OUT/sq-busybox.tar --compression gzip"
fi

# Peers. umoci has no squash: unpack applies every layer to a rootfs, then insert adds that rootfs as the single
# (gzip) layer of a new image, which is the same work a squash does. skopeo copy only moves blobs.
PEERS=${PEERS:-1}
if [ "$PEERS" = 1 ] && command -v umoci >/dev/null; then
  rm -rf "$OUT/umoci-bundle" "$OUT/umoci-layout"
  measure umoci_unpack_insert peer "$OUT/umoci-layout" \
    "umoci unpack --image $LAYOUT:$TAG $OUT/umoci-bundle && cp -r $LAYOUT $OUT/umoci-layout \
     && umoci new --image $OUT/umoci-layout:sq && umoci insert --image $OUT/umoci-layout:sq $OUT/umoci-bundle/rootfs /"
fi
# The peer the issue names: buildah from docker-archive + commit --squash + push to a gzip oci-archive, in a
# throwaway storage root (vfs driver, chroot isolation), against ocisquash doing the same job.
if [ "$PEERS" = 1 ] && command -v buildah >/dev/null && [ -f "$DOCKER_IN" ]; then
  BH="buildah --root $OUT/bh-root --runroot /tmp/bh-run.$$ --storage-driver vfs"
  measure buildah_squash peer "$OUT/buildah.tar" \
    "c=\$($BH from -q --pull-never docker-archive:$DOCKER_IN) && $BH commit -q --squash \$c sq >/dev/null \
     && $BH push -q sq oci-archive:$OUT/buildah.tar"
  measure ocisquash_docker_to_oci_gzip ocisquash "$OUT/sq-oci-gzip.tar" \
    "$J $DOCKER_IN -o $OUT/sq-oci-gzip.tar --format oci --compression gzip"
  # The same job with the other gzip encoders and levels, to show what the default trades (README, --gzip-encoder).
  measure ocisquash_docker_to_oci_gzip_isal ocisquash "$OUT/sq-oci-gzip-isal.tar" \
    "$J $DOCKER_IN -o $OUT/sq-oci-gzip-isal.tar --format oci --compression gzip --gzip-encoder isal"
  measure ocisquash_docker_to_oci_gzip_level4 ocisquash "$OUT/sq-oci-gzip-l4.tar" \
    "$J $DOCKER_IN -o $OUT/sq-oci-gzip-l4.tar --format oci --compression gzip --gzip-level 4"
  measure ocisquash_docker_to_oci_gzip_level1 ocisquash "$OUT/sq-oci-gzip-l1.tar" \
    "$J $DOCKER_IN -o $OUT/sq-oci-gzip-l1.tar --format oci --compression gzip --gzip-level 1"
  rm -rf "$OUT/bh-root" /tmp/bh-run.$$ 2>/dev/null || true
fi
if [ "$PEERS" = 1 ] && command -v skopeo >/dev/null; then
  measure skopeo_copy_to_docker peer "$OUT/skopeo.tar" \
    "rm -f $OUT/skopeo.tar && skopeo copy -q oci:$LAYOUT:$TAG docker-archive:$OUT/skopeo.tar:bench:latest"
fi

# Ratios against the floor each case is bound by: decompress the input once (+ compress the output once).
python3 - "$CSV.tmp" "$CSV" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1]))]
wall = {r[0]: float(r[2]) for r in rows}
floors = {
    "ocisquash_none": ["input_gunzip"],
    "ocisquash_gzip": ["input_gunzip", "output_pigz"],
    "ocisquash_gzip_docker": ["input_gunzip", "output_pigz"],
    "ocisquash_zstd": ["input_gunzip", "output_zstd"],
    "umoci_unpack_insert": ["input_gunzip", "output_pigz"],
    "skopeo_copy_to_docker": ["input_cat"],
    "ocisquash_none_docker": ["docker_cat_sync"],
    "buildah_squash": ["ocisquash_docker_to_oci_gzip"],
    "ocisquash_docker_to_oci_gzip_isal": ["buildah_squash"],
    "ocisquash_docker_to_oci_gzip_level4": ["buildah_squash"],
    "ocisquash_docker_to_oci_gzip_level1": ["buildah_squash"],
}
with open(sys.argv[2], "a", newline="") as f:
    w = csv.writer(f)
    for r in rows:
        fl = floors.get(r[0])
        if fl and all(x in wall for x in fl):
            fs = sum(wall[x] for x in fl)
            w.writerow(r + ["+".join(fl), "%.2f" % fs, "%.2f" % (wall[r[0]] / fs if fs else 0)])
        else:
            w.writerow(r + ["", "", ""])
PY
rm -f "$CSV.tmp"
{
  echo "# input: $LAYOUT, $(echo "$LAYERS" | wc -w) gzip layers, $IN_BYTES bytes compressed; threads=$THREADS;"
  echo "# $(nproc) cores, $(java -version 2>&1 | head -1), load before run: $(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$CSV"
echo "== wrote $CSV"
column -s, -t < "$CSV" || cat "$CSV"

if command -v gnuplot >/dev/null; then
  grep -v '^#' "$CSV" | tail -n +2 | awk -F, '{print $1, $3, $6}' > "$WORK/chart.dat"
  gnuplot <<GP
set terminal png size 1000,500 noenhanced
set output "$PNG"
set title "ocisquash e2e$SUFFIX ($STAMP, $THREADS threads): wall and CPU seconds"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -35 font ",9"
set ylabel "seconds"
set key top left
set grid ytics
plot "$WORK/chart.dat" using 2:xtic(1) title "wall", "" using 3 title "cpu (user+sys)"
GP
  echo "== wrote $PNG"
else
  echo "(no gnuplot: apt-get install -y gnuplot-nox for the chart)"
fi

if [ "$KEEP" = 0 ]; then rm -rf "$OUT"; fi
