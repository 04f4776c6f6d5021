#!/usr/bin/env bash
# Registry to registry: `ocisquash squash docker://... -o docker://...` against the three-step pipeline it replaces
# (`skopeo copy` to an oci-archive, `ocisquash squash` of the file, `skopeo copy` back), on the same machine, against
# Debian's docker-registry on 127.0.0.1. The pipeline uses oci-archive, its fastest form: skopeo keeps the
# compressed blobs as they are (a docker-archive would decompress them and skopeo would gzip the push again).
# Each approach pushes to its own registry, fresh for every run and seeded with the same source, since the squashed
# layer is the same bytes every time and skopeo would otherwise mount it from an earlier result instead of
# uploading it.
#
# Usage: benchmarks/registry/run.sh [--from N]   (default: full squash)
# Env: WORK (default .bench-work/registry), RUNS (default 3), LINK_MIBPS (when set, traffic to and from each registry
#      is limited, both directions together, to that many MiB/s, standing in for a network link: by the kernel (an htb
#      class on lo, SHAPER=tc, the default when tc can set one up: needs root; costs no CPU) or by throttle.py
#      (SHAPER=proxy: a Python proxy, whose own CPU use competes with the clients on a small machine)), FILES / LARGE_MIB (image size for
#      benchmarks/e2e/gen_image.py, default 20000 files and 28 MiB large files: about 200 MiB), OCISQUASH (default
#      cli/target/ocisquash), RESULTS (default benchmarks/results), SUFFIX (added to the CSV's name, so a later run
#      on the same day keeps the earlier file)
# Needs: java, python3, pigz or gzip, skopeo, docker-registry, /usr/bin/time. Wall times on a loaded machine are noisy;
# CPU seconds (user + sys of the client processes, not the registry's) are the steadier figure.
set -euo pipefail

FROM=()
if [ "${1:-}" = --from ]; then FROM=(--from "$2"); fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=benchmarks/lib/registry.sh
. "$ROOT/benchmarks/lib/registry.sh"
cd "$ROOT"
WORK=${WORK:-$ROOT/.bench-work/registry}
RUNS=${RUNS:-3}
FILES=${FILES:-20000}
LARGE_MIB=${LARGE_MIB:-28}
OCISQUASH=${OCISQUASH:-$ROOT/cli/target/ocisquash}
RESULTS=${RESULTS:-$ROOT/benchmarks/results}
for t in java python3 skopeo docker-registry; do
  command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }
done
[ -x "$OCISQUASH" ] || { echo "missing $OCISQUASH: run ./mvnw -q package -DskipTests first" >&2; exit 1; }

rm -rf "$WORK"; mkdir -p "$WORK" "$RESULTS"
SHAPER=${SHAPER:-tc}
if [ -n "${LINK_MIBPS:-}" ] && [ "$SHAPER" = tc ]; then
  # One htb class is the link; start_registry sends its port's traffic there. Everything else on lo is unlimited.
  tc qdisc del dev lo root 2>/dev/null || true
  if tc qdisc add dev lo root handle 1: htb default 10 r2q 1000 2>/dev/null \
      && tc class add dev lo parent 1: classid 1:10 htb rate 100gbit 2>/dev/null \
      && tc class add dev lo parent 1: classid 1:20 htb rate "$(awk -v m="$LINK_MIBPS" 'BEGIN {printf "%dkbit", m * 8388.608}')" \
        ceil "$(awk -v m="$LINK_MIBPS" 'BEGIN {printf "%dkbit", m * 8388.608}')" burst 1mb cburst 1mb 2>/dev/null; then
    trap 'tc qdisc del dev lo root 2>/dev/null || true' EXIT
  else
    tc qdisc del dev lo root 2>/dev/null || true
    echo "tc cannot shape lo here; using throttle.py" >&2
    SHAPER=proxy
  fi
fi
CSV=$RESULTS/registry-$(date +%Y-%m-%d)${FROM:+-from${FROM[1]:-}}${LINK_MIBPS:+-link${LINK_MIBPS}-$SHAPER}${SUFFIX:+-$SUFFIX}.csv
python3 benchmarks/e2e/gen_image.py "$WORK/image" --files "$FILES" --large-mib "$LARGE_MIB" --tag bench >/dev/null
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; [ "$SHAPER" = tc ] && tc qdisc del dev lo root 2>/dev/null; true' EXIT
: > "$WORK/registries.conf"
# start_registry NAME: a registry with its own storage; sets RAW (its address) and REG (the address to use: RAW, or
# the throttling proxy in front of it)
start_registry() {
  local port
  start_loopback_registry "$WORK/$1-data"
  PIDS+=("$REG_PID")
  port=$REG_PORT
  RAW=127.0.0.1:$port
  insecure_registry "$RAW" >> "$WORK/registries.conf"
  if [ -n "${LINK_MIBPS:-}" ] && [ "$SHAPER" = tc ]; then
    SHAPE_PORTS+=("$port")
  elif [ -n "${LINK_MIBPS:-}" ]; then
    local proxy
    proxy=$(free_port)
    python3 "$ROOT/benchmarks/registry/throttle.py" "$proxy" "$port" "$LINK_MIBPS" &
    PIDS+=($!)
    wait_port "$proxy"
    port=$proxy
  fi
  REG=127.0.0.1:$port
  [ "$REG" = "$RAW" ] || insecure_registry "$REG" >> "$WORK/registries.conf"
}
SHAPE_PORTS=()
# shape: puts the registries started so far behind the link (after seeding them, which is not timed)
shape() {
  local p
  for p in "${SHAPE_PORTS[@]}"; do
    tc filter add dev lo protocol ip parent 1: prio 1 u32 match ip sport "$p" 0xffff flowid 1:20
    tc filter add dev lo protocol ip parent 1: prio 1 u32 match ip dport "$p" 0xffff flowid 1:20
  done
  SHAPE_PORTS=()
}
SKOPEO=(skopeo --registries-conf "$WORK/registries.conf")
SIZE=$(du -sm "$WORK/image/blobs" | cut -f1)

# timed NAME CMD...: runs CMD, appends "wall cpu" (seconds; cpu = user + sys of CMD and its children) to $WORK/NAME
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$WORK/time.tmp" "$@"
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$WORK/time.tmp" >> "$WORK/$name"
}
echo "run,direct_wall_s,direct_cpu_s,pipeline_wall_s,pipeline_cpu_s,pull_wall_s,squash_wall_s,push_wall_s,wall_ratio,cpu_ratio" > "$CSV"
for i in $(seq "$RUNS"); do
  rm -f "$WORK/in.tar" "$WORK/out.tar" "$WORK"/t-*
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  PIDS=()
  rm -rf "$WORK"/*-data
  # seeded straight, not through the throttled link
  start_registry direct; REG_D=$REG; "${SKOPEO[@]}" copy -q "oci:$WORK/image:bench" "docker://$RAW/bench/src:1"
  start_registry pipeline; REG_P=$REG; "${SKOPEO[@]}" copy -q "oci:$WORK/image:bench" "docker://$RAW/bench/src:1"
  if [ "$SHAPER" = tc ] && [ -n "${LINK_MIBPS:-}" ]; then tc filter del dev lo parent 1: 2>/dev/null || true; shape; fi
  timed t-direct "$OCISQUASH" squash "docker://$REG_D/bench/src:1" -o "docker://$REG_D/direct/r$i:1" --tls-verify=false -q "${FROM[@]}"
  timed t-pull "${SKOPEO[@]}" copy -q "docker://$REG_P/bench/src:1" "oci-archive:$WORK/in.tar"
  timed t-squash "$OCISQUASH" squash "$WORK/in.tar" -o "$WORK/out.tar" -q "${FROM[@]}"
  timed t-push "${SKOPEO[@]}" copy -q "oci-archive:$WORK/out.tar" "docker://$REG_P/pipeline/r$i:1"
  paste -d' ' "$WORK/t-direct" "$WORK/t-pull" "$WORK/t-squash" "$WORK/t-push" | awk -v i="$i" '{
    pw = $3 + $5 + $7; pc = $4 + $6 + $8;
    printf "%s,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f\n", i, $1, $2, pw, pc, $3, $5, $7, $1 / pw, $2 / pc }' >> "$CSV"
done
echo "image: $SIZE MiB of compressed blobs, ${FROM[*]:-full squash}, link: ${LINK_MIBPS:-loopback} MiB/s${LINK_MIBPS:+ ($SHAPER)}; load: $(cut -d' ' -f1-3 /proc/loadavg); $CSV"
column -s, -t "$CSV"
