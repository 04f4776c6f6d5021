#!/usr/bin/env bash
# Start-up (issue 27): the busybox sample squashed N times (default 10) by each variant, interleaved, median wall and
# CPU from /usr/bin/time (benchmarks/startup/compare.sh), before and after class-data sharing:
#   launcher-jdk17 / +cds      cli/target/ocisquash with OCISQUASH_CDS=0 / with its CDS archives (made first)
#   dist-jdk17 / +cds          the distribution's layout with a runtime jlinked from JDK 17 (as dist/ builds it)
#   dist-jdk25 / +cds / +aot   the same layout with a runtime jlinked from JDK 25 (JDK25, default
#                              /usr/lib/jvm/temurin-25-jdk-amd64): no archive, the launcher's CDS, or JDK 25's AOT
#                              cache (JEP 483/514/515) from a training squash of the sample (-XX:AOTCacheOutput)
# Usage: benchmarks/startup/run.sh [N]   (after ./mvnw -q package -DskipTests; builds its layouts in WORK)
# Env: WORK (default .bench-work/startup), JDK17 (default the java on PATH's home), JDK25, RESULTS, NOTE
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
N=${1:-10}
WORK=${WORK:-$ROOT/.bench-work/startup}
JDK17=${JDK17:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
RESULTS=${RESULTS:-$ROOT/benchmarks/results}
NOTE=${NOTE:-"load $(cut -d' ' -f1 /proc/loadavg) at start"}
JAR=$ROOT/cli/target/ocisquash.jar
SAMPLE=$ROOT/testdata/sample/busybox-sample.tar
[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -q package -DskipTests first" >&2; exit 1; }
MODULES=$(sed -n 's:.*<dist.modules>\(.*\)</dist.modules>.*:\1:p' dist/pom.xml | head -n1)
# the launcher's own JVM options (the JDK 25 variants replace them through OCISQUASH_JAVA_OPTS)
OPTS=$(sed -n 's/^opts=${OCISQUASH_JAVA_OPTS-"\(.*\)"}$/\1/p' cli/src/main/sh/ocisquash)
[ -n "$OPTS" ] || { echo "no default options found in cli/src/main/sh/ocisquash" >&2; exit 1; }
mkdir -p "$WORK"
export XDG_CACHE_HOME=$WORK/cache
rm -rf "$XDG_CACHE_HOME"
# layout V JDK: a distribution-like tree (bin/, lib/, lib/native/, runtime/) with a runtime jlinked from JDK
layout() {
  local d=$WORK/dist$1
  if [ ! -x "$d/runtime/bin/java" ]; then
    rm -rf "$d"; mkdir -p "$d"
    "$2/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --output "$d/runtime"
  fi
  mkdir -p "$d/bin" "$d/lib/native"
  cp cli/src/main/sh/ocisquash "$d/bin/"; cp "$JAR" "$d/lib/"
  unzip -p "$JAR" com/sun/jna/linux-x86-64/libjnidispatch.so > "$d/lib/native/libjnidispatch.so"
  cp -P /usr/lib/x86_64-linux-gnu/libisal.so.2* /usr/lib/x86_64-linux-gnu/libdeflate.so.0* "$d/lib/native/"
}
layout 17 "$JDK17"
layout 25 "$JDK25"
# JDK 25 warns about JNA's System.load unless native access is enabled; the AOT variants add their cache.
O25="$OPTS --enable-native-access=ALL-UNNAMED"
w() { printf '#!/bin/sh\n%s exec %s "$@"\n' "$1" "$2" > "$WORK/$3"; chmod +x "$WORK/$3"; }
w "OCISQUASH_CDS=0" "$ROOT/cli/target/ocisquash" launcher-nocds
w "" "$ROOT/cli/target/ocisquash" launcher-cds
w "OCISQUASH_CDS=0" "$WORK/dist17/bin/ocisquash" dist17-nocds
w "" "$WORK/dist17/bin/ocisquash" dist17-cds
w "OCISQUASH_CDS=0 OCISQUASH_JAVA_OPTS='$O25'" "$WORK/dist25/bin/ocisquash" dist25-nocds
w "OCISQUASH_JAVA_OPTS='$O25'" "$WORK/dist25/bin/ocisquash" dist25-cds
w "OCISQUASH_CDS=0 OCISQUASH_JAVA_OPTS='$O25 -XX:AOTCache=$WORK/d25.aot -Xlog:aot=off -Xlog:cds=off'" \
  "$WORK/dist25/bin/ocisquash" dist25-aot
# training: the CDS archives (first squash of each) and the AOT cache
for v in launcher-cds dist17-cds dist25-cds; do "$WORK/$v" squash -q "$SAMPLE" -o "$WORK/t.tar"; rm -f "$WORK/t.tar"; done
rm -f "$WORK/d25.aot"
OCISQUASH_CDS=0 OCISQUASH_JAVA_OPTS="$O25 -XX:AOTCacheOutput=$WORK/d25.aot -Xlog:aot=off -Xlog:cds=off" \
  "$WORK/dist25/bin/ocisquash" squash -q "$SAMPLE" -o "$WORK/t.tar" > /dev/null
rm -f "$WORK/t.tar"
benchmarks/startup/compare.sh "$N" "launcher-jdk17=$WORK/launcher-nocds" "launcher-jdk17+cds=$WORK/launcher-cds" \
  "dist-jdk17=$WORK/dist17-nocds" "dist-jdk17+cds=$WORK/dist17-cds" "dist-jdk25=$WORK/dist25-nocds" \
  "dist-jdk25+cds=$WORK/dist25-cds" "dist-jdk25+aot=$WORK/dist25-aot" | tee "$WORK/medians.txt"
CSV=$RESULTS/startup-$(date +%F).csv
[ -f "$CSV" ] || echo "date,variant,median_wall_s,median_cpu_s,runs,note" > "$CSV"
awk -v d="$(date +%F)" -v n="$N" -v note="$NOTE" 'NR > 1 {printf "%s,%s,%s,%s,%s,\"%s\"\n", d, $1, $3, $6, n, note}' \
  "$WORK/medians.txt" >> "$CSV"
