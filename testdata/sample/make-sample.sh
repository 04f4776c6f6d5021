#!/usr/bin/env bash
# make-sample.sh [OUTPUT.tar]
#
# Builds the small real sample image testdata/sample/busybox-sample.tar
# (docker-archive, tag ocisquash/sample:latest) with umoci + skopeo.
# See README.md in this directory.  Needs root, umoci, skopeo, dpkg-deb and
# apt-get (only to download busybox-static; set BUSYBOX_DEB=/path/to.deb to
# use a local copy instead).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTPUT=${1:-$HERE/busybox-sample.tar}
case $OUTPUT in /*) ;; *) OUTPUT=$PWD/$OUTPUT;; esac
TAG=sample
for tool in umoci skopeo dpkg-deb python3; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done
if [ "$(id -u)" != 0 ]; then echo "must run as root" >&2; exit 2; fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocisquash-sample.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
U() { umoci --log=error "$@"; }

# --- busybox-static from Debian -------------------------------------------
if [ -n "${BUSYBOX_DEB:-}" ]; then
    DEB=$BUSYBOX_DEB
else
    (cd "$WORK" && apt-get download -q busybox-static >/dev/null 2>&1) || {
        echo "apt-get download busybox-static failed (set BUSYBOX_DEB)" >&2; exit 2; }
    DEB=$(ls "$WORK"/busybox-static_*.deb)
fi
echo "using $(dpkg-deb -f "$DEB" Package) $(dpkg-deb -f "$DEB" Version)"
dpkg-deb -x "$DEB" "$WORK/deb"

L=$WORK/layout
B=$WORK/bundle
R=$B/rootfs
U init --layout "$L"
U new --image "$L:$TAG"
U unpack --image "$L:$TAG" "$B"
repack() {
    U repack --refresh-bundle --history.created_by "$1" --image "$L:$TAG" "$B"
}

# --- layer 1: busybox, a few applet links, passwd/group ---------------------
install -d -m 0755 "$R/bin" "$R/etc" "$R/tmp" "$R/root"
chmod 1777 "$R/tmp"; chmod 0700 "$R/root"
install -m 0755 "$WORK/deb/bin/busybox" "$R/bin/busybox"
for applet in sh ls cat echo cp mv rm mkdir true false env; do
    ln -s busybox "$R/bin/$applet"
done
cat > "$R/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$R/etc/group" <<'G'
root:x:0:
daemon:x:1:
nogroup:x:65534:
G
chmod 0644 "$R/etc/passwd" "$R/etc/group"
repack "layer 1: /bin/busybox (busybox-static) + applet symlinks, /etc/passwd, /etc/group"

# --- layer 2: docs and package-manager junk -------------------------------
install -d -m 0755 "$R/usr/share/doc/busybox-static" "$R/usr/share/man/man1" \
    "$R/var/cache/apt/archives" "$R/var/lib/apt/lists"
cp -a "$WORK/deb/usr/share/doc/busybox-static/." "$R/usr/share/doc/busybox-static/"
cp -a "$WORK/deb/usr/share/man/man1/busybox.1.gz" "$R/usr/share/man/man1/"
# 384 KiB of deterministic, incompressible bytes (SHA-256 in counter mode)
python3 - "$R/var/cache/apt/archives/fake.deb" <<'PY'
import hashlib, sys
with open(sys.argv[1], "wb") as f:
    for i in range(384 * 1024 // 32):
        f.write(hashlib.sha256(b"ocisquash-sample-%d" % i).digest())
PY
cat > "$R/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages" <<'A'
Package: busybox-static
Source: busybox
Architecture: amd64
Description: Standalone rescue shell with tons of builtin utilities
A
: > "$R/var/lib/apt/lists/lock"
chmod 0644 "$R/var/cache/apt/archives/fake.deb" "$R/var/lib/apt/lists/"*
repack "layer 2: busybox docs and man page, apt cache and lists junk"

# --- layer 3: delete the cached .deb (whiteout), add the app -------------
rm -f "$R/var/cache/apt/archives/fake.deb"
install -d -m 0755 "$R/app"
cat > "$R/app/hello.sh" <<'H'
#!/bin/sh
echo "hello from the ocisquash sample image"
H
chmod 0755 "$R/app/hello.sh"
repack "layer 3: remove /var/cache/apt/archives/fake.deb, add /app/hello.sh"

U config --image "$L:$TAG" \
    --config.cmd /bin/sh \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env OCISQUASH_SAMPLE=1 \
    --config.workingdir /app \
    --config.label org.opencontainers.image.title=ocisquash-sample \
    --history.created_by "umoci config: cmd /bin/sh, env, workingdir /app"

# sanity check: the final image runs (chroot into its rootfs)
U unpack --image "$L:$TAG" "$WORK/check"
if command -v chroot >/dev/null; then
    out=$(chroot "$WORK/check/rootfs" /bin/sh /app/hello.sh)
    [ "$out" = "hello from the ocisquash sample image" ] || { echo "sanity check failed: $out" >&2; exit 1; }
fi
[ ! -e "$WORK/check/rootfs/var/cache/apt/archives/fake.deb" ] || { echo "whiteout not applied" >&2; exit 1; }

rm -f "$OUTPUT"
skopeo copy -q "oci:$L:$TAG" "docker-archive:$OUTPUT:ocisquash/sample:latest"
echo "wrote $OUTPUT ($(stat -c %s "$OUTPUT") bytes)"
