#!/usr/bin/env bash
# Builds the image of ocisquash itself from the unpacked distribution, offline and reproducibly:
#   OUT_DIR/ocisquash-VERSION-image.docker.tar  (docker load, podman load)
#   OUT_DIR/ocisquash-VERSION-image.oci.tar     (oci-archive: skopeo, podman, crane, regctl)
#   OUT_DIR/digests.txt                         (manifest digest of each)
#
# usage: build-image.sh DIST_DIR OUT_DIR VERSION CLASSPATH
#   DIST_DIR: the unpacked distribution (build-dist.sh); CLASSPATH: ocisquash-core, its dependencies and
#   dist/target/classes (for dev.ocisquash.dist.RootfsImage).
#
# The base is not a whole Debian system but the Debian packages the distribution's ELF files need (found with
# ldd and dpkg), plus dash (the launcher is a /bin/sh script) and base-files (/etc/os-release, so that scanners
# see a Debian image): every file of those packages as installed on the build machine, with their dpkg status
# entries so that SBOM tools list them. That takes no network and no debootstrap (about 50 s), and gives about
# 20 MB instead of a 150 MB minbase. Two layers are written with our own library (RootfsImage: TarWriter and
# ImageWriter), then squashed into one and stripped with the `safe` preset by the distribution's own CLI:
# documentation goes, Debian copyright files stay.
#
# Reproducible: every entry is dated SOURCE_DATE_EPOCH (default: the last commit's time) and owned by 0:0, trees
# are written in name order, and the squash is deterministic, so the same distribution and the same installed
# package versions give the same digests.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
if [ $# -ne 4 ]; then
  echo "usage: $0 DIST_DIR OUT_DIR VERSION CLASSPATH" >&2
  exit 2
fi
dist=$(cd "$1" && pwd) out=$2 version=$3 cp=$4
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$(dirname "$0")" log -1 --format=%ct 2>/dev/null || echo 0)}
java=$dist/runtime/bin/java

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$out/work
base=$work/base
app=$work/app
mkdir -p "$base" "$app/opt"

# 1. The packages: who owns each library the ELF files load (zstd-jni's is inside the jar).
unzip -p "$dist/lib/ocisquash.jar" "$(unzip -Z1 "$dist/lib/ocisquash.jar" | grep 'libzstd-jni.*\.so$' | head -n1)" \
  >"$work/libzstd-jni.so"
mapfile -t elfs < <( (find "$dist/runtime" "$dist/lib/native" -type f \( -name '*.so*' -o -path '*/bin/*' \);
  echo "$work/libzstd-jni.so") | sort)
libs=$(for f in "${elfs[@]}"; do ldd "$f" 2>/dev/null || true; done |
  awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u)
owner() { # the package that installed $1; Debian's merged /usr lists files under /lib as well as /usr/lib
  local p=$1 alt
  case $p in /usr/*) alt=${p#/usr} ;; *) alt=/usr$p ;; esac
  { dpkg-query -S "$p" 2>/dev/null || dpkg-query -S "$alt" 2>/dev/null || dpkg-query -S "$(readlink -f "$p")" 2>/dev/null; } |
    grep -v '^diversion' | head -n1 | cut -d: -f1
}
pkgs="dash base-files"
for l in $libs; do
  case $l in "$dist"/*) continue ;; esac # the distribution's own libraries
  p=$(owner "$l")
  [ -n "$p" ] || { echo "build-image: no Debian package owns $l" >&2; exit 1; }
  pkgs="$pkgs $p"
done
# Packages whose /usr/share/doc is a link to another package's (libgcc-s1 -> gcc-12-base) bring that package:
# their copyright file is there.
for p in $pkgs; do
  doc=/usr/share/doc/$p
  if [ -L "$doc" ] && t=$(basename "$(readlink "$doc")") && dpkg-query -W "$t" >/dev/null 2>&1; then
    pkgs="$pkgs $t"
  fi
done
pkgs=$(printf '%s\n' $pkgs | sort -u)

# 2. The base tree: Debian bookworm's merged /usr, then every non-directory file of each package.
mkdir -p "$base/usr/bin" "$base/usr/sbin" "$base/usr/lib" "$base/usr/lib64" "$base/etc" "$base/var/lib/dpkg/info" \
  "$base/root" "$base/tmp"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$base/$d"; done
: >"$base/var/lib/dpkg/status"
for p in $pkgs; do
  dpkg-query -L "$p" | while IFS= read -r f; do
    if [ -L "$f" ] || { [ -f "$f" ] && [ ! -d "$f" ]; }; then
      cp -P --parents "$f" "$base/"
    fi
  done
  { dpkg-query -s "$p"; echo; } >>"$base/var/lib/dpkg/status"
  for list in /var/lib/dpkg/info/"$p".list /var/lib/dpkg/info/"$p":*.list; do
    [ -f "$list" ] && cp "$list" "$base/var/lib/dpkg/info/"
  done
done
[ -e "$base/bin/sh" ] || ln -s dash "$base/usr/bin/sh"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$base/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$base/etc/group"
chmod -R u+w,go-w,a+rX "$base"
chmod 700 "$base/root"
chmod 1777 "$base/tmp"

# 3. The distribution under /opt/ocisquash.
cp -a "$dist" "$app/opt/ocisquash"

# 4. Config, the two-layer image, then squash + strip by the distribution's own CLI.
cat >"$work/config.json" <<JSON
{
  "Entrypoint": ["ocisquash"],
  "Env": ["PATH=/opt/ocisquash/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
  "WorkingDir": "/data",
  "Labels": {
    "org.opencontainers.image.title": "ocisquash",
    "org.opencontainers.image.description": "Flatten and slim exported container images, offline, without a Docker daemon",
    "org.opencontainers.image.version": "$version"
  }
}
JSON
name=ocisquash:$version
"$java" -cp "$cp" dev.ocisquash.dist.RootfsImage "$work/raw.tar" "$name" "$epoch" "$work/config.json" \
  "$base=Debian bookworm packages: $(echo $pkgs)" \
  "$app=ocisquash $version distribution in /opt/ocisquash" >/dev/null
# gconv: glibc's iconv modules (8 MB); the JVM never calls iconv.
for fmt in docker oci; do
  "$dist/bin/ocisquash" squash "$work/raw.tar" -o "$out/ocisquash-$version-image.$fmt.tar" --format "$fmt" \
    --compression gzip --preset safe --remove '/usr/lib/*-linux-gnu/gconv' --source-date-epoch "$epoch" --quiet
done
rm -rf "$work"
for fmt in docker oci; do
  f=$out/ocisquash-$version-image.$fmt.tar
  m=$(tar -xOf "$f" index.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifests"][0]["digest"])')
  echo "$m ocisquash-$version-image.$fmt.tar" >>"$out/digests.txt"
done
echo "build-image: $(cat "$out/digests.txt" | tr '\n' ' ')"
