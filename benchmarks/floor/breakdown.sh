#!/usr/bin/env bash
# Where ocisquash's time goes beyond the floor (issue 27): one squash of the generated image (the `gen` case of
# benchmarks/floor/run.sh, generated there if missing) with --timings (wall, MiB/s and process CPU per stage) and a
# JFR recording (settings=profile), then from the recording: the hottest Java and native frames (top of stack, share
# of samples), GC pauses and JIT compilation time; then the same squash again without JFR under threadcpu.py, for the
# CPU seconds of each thread group (C1/C2 compiler threads = JIT, VM Thread = the serial collector's pauses, main,
# the per-layer read threads, the gzip pool). The JVM settings are the launcher's.
# Usage: benchmarks/floor/breakdown.sh [EXTRA SQUASH ARGS...]
# Env: WORK (default .bench-work/floor), FILES / LARGE_MIB (as in run.sh), OCISQUASH (default cli/target/ocisquash),
#      TOP (frames listed, default 12)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
WORK=${WORK:-$ROOT/.bench-work/floor}
FILES=${FILES:-50000}
LARGE_MIB=${LARGE_MIB:-72}
OCISQUASH=${OCISQUASH:-$ROOT/cli/target/ocisquash}
TOP=${TOP:-12}
IMG=$WORK/gen-$FILES-$LARGE_MIB
mkdir -p "$WORK"
[ -f "$IMG/index.json" ] || python3 benchmarks/e2e/gen_image.py "$IMG" --files "$FILES" --large-mib "$LARGE_MIB" --tag bench >&2
JFR=$WORK/breakdown.jfr
rm -f "$JFR" "$WORK/out.tar"
echo "== load $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
OCISQUASH_JAVA_OPTS="-XX:+UseSerialGC -Xmn32m -XX:StartFlightRecording=filename=$JFR,settings=profile" \
  /usr/bin/time -f "== total: wall %e s, user %U s, sys %S s, peak RSS %M KiB" \
  "$OCISQUASH" squash -q --timings "$IMG" -o "$WORK/out.tar" "$@" 2>&1 | grep -v "Started recording\|jcmd\|\]\[info\]\[jfr\|^$"
rm -f "$WORK/out.tar"
python3 benchmarks/floor/threadcpu.py "$OCISQUASH" squash -q "$IMG" -o "$WORK/out.tar" "$@"
rm -f "$WORK/out.tar"
# The floors of the same job, for the CPU side by side: the issue's, and with inflate + diff_id
gcc -O2 -pthread "$ROOT/benchmarks/floor/floor.c" -o "$WORK/floor" -l:libdeflate.so.0 -lcrypto
LS=$(python3 -c 'import json,os,sys; r=sys.argv[1]; i=json.load(open(r+"/index.json")); m=json.load(open(os.path.join(r,"blobs",*i["manifests"][0]["digest"].split(":")))); print(" ".join(os.path.join(r,"blobs",*l["digest"].split(":")) for l in m["layers"]))' "$IMG")
rm -rf "$WORK/none"
OCISQUASH_CDS=0 "$OCISQUASH" squash -q "$IMG" -o "$WORK/none" --format oci-dir --compression none "$@"
TAR=$(ls -S "$WORK"/none/blobs/sha256/* | head -1)
# shellcheck disable=SC2086
echo "== floor:             $("$WORK/floor" -o "$TAR" $LS)"
# shellcheck disable=SC2086
echo "== floor, inflate -d: $("$WORK/floor" -i -d -o "$TAR" $LS)"
JFRBIN=$(dirname "$(readlink -f "$(command -v java)")")/jfr
for ev in jdk.ExecutionSample jdk.NativeMethodSample jdk.GarbageCollection jdk.CompilerStatistics jdk.ClassLoadingStatistics; do
  "$JFRBIN" print --json --events "$ev" "$JFR" > "$WORK/$ev.json"
done
python3 - "$WORK" "$TOP" <<'PY'
import collections, json, os, sys
work, top = sys.argv[1], int(sys.argv[2])
def events(name):
    return json.load(open(os.path.join(work, name + ".json")))["recording"]["events"]
def secs(d):  # JFR JSON durations: "PT0.001234S"
    return float(d[2:-1]) if d.startswith("PT") and d.endswith("S") and "M" not in d else 0.0
def frame(e):
    st = e["values"].get("stackTrace")
    if not st or not st["frames"]:
        return "?"
    m = st["frames"][0]["method"]
    return m["type"]["name"] + "." + m["name"]
for name, label in (("jdk.ExecutionSample", "Java (running threads)"), ("jdk.NativeMethodSample", "native (threads in native code)")):
    ev = events(name)
    c = collections.Counter(frame(e) for e in ev)
    print("== top frames, %s: %d samples" % (label, len(ev)))
    for f, n in c.most_common(top):
        print("  %5.1f %%  %s" % (100.0 * n / max(1, len(ev)), f))
gc = events("jdk.GarbageCollection")
print("== GC: %d collections, %.3f s of pauses (sum), longest %.3f s" % (
    len(gc), sum(secs(e["values"]["sumOfPauses"]) for e in gc), max([secs(e["values"]["longestPause"]) for e in gc] or [0])))
comp = events("jdk.CompilerStatistics")
if comp:
    v = comp[-1]["values"]
    print("== JIT: %s compilations, %.3f s spent compiling (jdk.CompilerStatistics: elapsed on the compiler threads, not CPU)" % (
        v["compileCount"], secs(v["totalTimeSpent"]) if isinstance(v["totalTimeSpent"], str) else v["totalTimeSpent"] / 1000))
cl = events("jdk.ClassLoadingStatistics")
if cl:
    print("== classes loaded: %s" % cl[-1]["values"]["loadedClassCount"])
PY
