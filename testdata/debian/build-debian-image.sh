#!/usr/bin/env bash
# build-debian-image.sh OUTDIR
#
# Builds a realistic multi-layer image from real Debian packages, for the strip tests:
#   layer 1  debootstrap --variant=minbase bookworm
#   layer 2  python3 + python3-numpy
#   layer 3  openjdk-17-jdk-headless + openjdk-17-source (a real lib/src.zip and its symlink chain)
#   layer 4  gcc (headers, static libs), locales, man-db (man pages)
# apt lists and the downloaded .deb archives are deliberately left in place, as careless Dockerfiles leave them.
# Output: OUTDIR/layout (OCI layout, tag "debian") and OUTDIR/debian.docker.tar (docker-archive).
# Needs root, debootstrap, umoci, skopeo and the Debian mirror. Reuses OUTDIR if it is already complete.
set -euo pipefail
OUT=${1:?usage: $0 OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [ -f "$OUT/debian.docker.tar" ] && [ -f "$OUT/layout/index.json" ]; then
    echo "reusing $OUT"
    exit 0
fi
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
L=$OUT/layout
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocisquash-debian.XXXXXX")
cleanup() {
    for m in proc dev/pts dev sys; do umount -l "$WORK/bundle/rootfs/$m" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
U() { umoci --log=error "$@"; }

rm -rf "$L" "$OUT/debian.docker.tar"
U init --layout "$L"
U new --image "$L:debian"
U unpack --image "$L:debian" "$WORK/bundle"
R=$WORK/bundle/rootfs

debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
    tail -20 "$WORK/debootstrap.log"; exit 1; }
# Keep what apt downloads, as a Dockerfile without `apt-get clean` would.
echo 'APT::Keep-Downloaded-Packages "true";' > "$R/etc/apt/apt.conf.d/99keep-debs"
rm -f "$R/etc/apt/apt.conf.d/docker-clean"
U repack --refresh-bundle --history.created_by "debootstrap --variant=minbase bookworm" --image "$L:debian" "$WORK/bundle"

inchroot() {
    mount -t proc proc "$R/proc"
    mount --bind /dev "$R/dev"
    local rc=0
    chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        /bin/sh -c "$1" >"$WORK/chroot.log" 2>&1 || rc=$?
    umount -l "$R/dev" "$R/proc"
    if [ $rc != 0 ]; then tail -30 "$WORK/chroot.log"; exit $rc; fi
}
apt_layer() {
    inchroot "apt-get update -qq && apt-get install -y --no-install-recommends $1"
    U repack --refresh-bundle --history.created_by "RUN apt-get install $1" --image "$L:debian" "$WORK/bundle"
}
apt_layer "python3 python3-numpy"
apt_layer "openjdk-17-jdk-headless openjdk-17-source"
apt_layer "gcc libc6-dev locales man-db"
U config --image "$L:debian" --config.cmd /bin/bash --config.env LANG=C.UTF-8
skopeo copy -q "oci:$L:debian" "docker-archive:$OUT/debian.docker.tar:ocisquash-test/debian:latest"
echo "built $OUT (4 layers)"
