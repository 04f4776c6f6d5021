#!/usr/bin/env bash
# benchmarks/relayer/time.sh: times a single-layer squash against --max-layers 32 and --max-layers 32 --prior
# (release 1 squashed the same way) on release 2 of the Debian release pair, interleaved, N runs each, JVM start
# included; prints the medians, their ratios to the single layer and the median of each round's own ratio. Needs bc
# and python3.
# Usage: REL=DIR [N=7] benchmarks/relayer/time.sh   (DIR from testdata/debian/build-release-pair.sh DIR)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OCI=${OCISQUASH:-$ROOT/cli/target/ocisquash}
REL=${REL:?set REL to the directory testdata/debian/build-release-pair.sh wrote}
N=${N:-5}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1700000000
common=(--preset safe --compression gzip -q)
"$OCI" squash "$REL/release1.docker.tar" -o "$W/p1.tar" "${common[@]}" --max-layers 32
run() { local s e; s=$(date +%s.%N); "$OCI" squash "$REL/release2.docker.tar" -o "$W/o.tar" "${common[@]}" "$@"; e=$(date +%s.%N); rm -f "$W/o.tar"; echo "$e - $s" | bc; }
for i in $(seq "$N"); do
  echo "single $(run)"; echo "ml32 $(run --max-layers 32)"; echo "prior $(run --max-layers 32 --prior "$W/p1.tar")"
done | tee "$W/t.txt"
python3 - "$W/t.txt" <<'PY'
import sys, statistics as st
d = {}
for line in open(sys.argv[1]):
    k, v = line.split(); d.setdefault(k, []).append(float(v))
m = {k: st.median(v) for k, v in d.items()}
# Also the median of each round's own ratio: the three runs of a round share the machine's state, which on a
# shared machine drifts between rounds more than it does within one.
for k in ("single", "ml32", "prior"):
    paired = st.median(a / b for a, b in zip(d[k], d["single"]))
    print(f"{k:7s} median {m[k]:.2f} s  ({m[k]/m['single']:.2f}x single; paired {paired:.2f}x)  runs {' '.join(f'{x:.2f}' for x in d[k])}")
PY
