#!/usr/bin/env bash
# Measures the distribution against the development build: size, `--version` start-up (median of N runs) and a
# gzip squash of the image of ocisquash itself (65 MB unpacked; median of 3, runs interleaved).
# usage: bash dist/measure-dist.sh [N]   (after ./mvnw -Pdist package)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-11}
v=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n1)
tgz=dist/target/dist/ocisquash-$v-linux-x86_64.tar.gz
img=dist/target/image/ocisquash-$v-image.docker.tar
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
tar -C "$w" -xzf "$tgz"
dist=$w/ocisquash-$v/bin/ocisquash
echo "tarball $(du -h "$tgz" | cut -f1), unpacked $(du -sh "$w/ocisquash-$v" | cut -f1)" \
  "(runtime $(du -sh "$w/ocisquash-$v/runtime" | cut -f1), jar $(du -h "$w/ocisquash-$v/lib/ocisquash.jar" | cut -f1));" \
  "development jar $(du -h cli/target/ocisquash.jar | cut -f1)"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $((($(date +%s%N) - s) / 1000000)); }
for label in "dist:$dist" "launcher:cli/target/ocisquash" "java -jar:java -jar cli/target/ocisquash.jar"; do
  cmd=${label#*:}
  # shellcheck disable=SC2086
  echo "--version ${label%%:*}: $(for _ in $(seq "$n"); do ms $cmd --version; done | median) ms (median of $n)"
done
for r in 1 2 3; do
  echo "dist $(ms "$dist" squash "$img" -o "$w/a.tar" --compression gzip)"
  echo "dev $(ms cli/target/ocisquash squash "$img" -o "$w/b.tar" --compression gzip)"
  rm -f "$w/a.tar" "$w/b.tar"
done | awk '{t[$1]=t[$1] " " $2} END {for (k in t) print "squash gzip " k ":" t[k] " ms"}'
