#!/usr/bin/env bash
# build-release-pair.sh OUTDIR
#
# Builds two releases of one Debian app image, as two CI runs of the same Dockerfile a few weeks apart would:
#   layer 1  debootstrap --variant=minbase bookworm (one debootstrap, shared by both releases)
#   layer 2  apt-get install python3 openssl libssl3, release 1 with the bookworm version of openssl and libssl3,
#            release 2 with the newer bookworm-security one; and the app's files, /app/app.py differing.
# Everything else in layer 2 is rebuilt independently (timestamps, apt and dpkg logs, .pyc files, caches).
# Output: OUTDIR/release1.docker.tar and OUTDIR/release2.docker.tar (docker-archive), and
# OUTDIR/versions.txt (the two openssl versions). Needs root, debootstrap, umoci, skopeo and the Debian mirror.
# Reuses OUTDIR if it is already complete.
set -euo pipefail
OUT=${1:?usage: $0 OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [ -f "$OUT/release2.docker.tar" ] && [ -f "$OUT/versions.txt" ]; then
    echo "reusing $OUT"
    exit 0
fi
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
L=$OUT/layout
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocisquash-releases.XXXXXX")
cleanup() {
    for b in "$WORK"/bundle*; do
        for m in var/cache/apt/archives proc dev; do umount -l "$b/rootfs/$m" 2>/dev/null || true; done
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
U() { umoci --log=error "$@"; }

rm -rf "$L"
U init --layout "$L"
U new --image "$L:base"
U unpack --image "$L:base" "$WORK/bundle0"
debootstrap --variant=minbase bookworm "$WORK/bundle0/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
    tail -20 "$WORK/debootstrap.log"; exit 1; }
cat > "$WORK/bundle0/rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $SECURITY bookworm-security main
SOURCES
U repack --refresh-bundle --history.created_by "debootstrap --variant=minbase bookworm" --image "$L:base" "$WORK/bundle0"

# The .deb files go to one host directory shared by both builds (downloaded once, and never part of an image).
mkdir -p "$WORK/debs/partial"
inchroot() { # ROOTFS COMMAND
    mount -t proc proc "$1/proc"
    mount --bind /dev "$1/dev"
    mount --bind "$WORK/debs" "$1/var/cache/apt/archives"
    local rc=0
    chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        /bin/sh -c "$2" >"$WORK/chroot.log" 2>&1 || rc=$?
    umount -l "$1/var/cache/apt/archives" "$1/dev" "$1/proc"
    if [ $rc != 0 ]; then tail -30 "$WORK/chroot.log"; exit $rc; fi
}

# The versions: the oldest and the newest the sources offer (bookworm and bookworm-security).
inchroot "$WORK/bundle0/rootfs" "apt-get update -qq && apt-cache madison openssl > /tmp/madison"
OLD=$(awk '{print $3}' "$WORK/bundle0/rootfs/tmp/madison" | sort -V | head -1)
NEW=$(awk '{print $3}' "$WORK/bundle0/rootfs/tmp/madison" | sort -V | tail -1)
[ "$OLD" != "$NEW" ] || { echo "only one openssl version on the mirror: $OLD" >&2; exit 1; }
printf '%s\n%s\n' "$OLD" "$NEW" > "$WORK/versions.txt"

for r in 1 2; do
    V=$([ $r = 1 ] && echo "$OLD" || echo "$NEW")
    B=$WORK/bundle$r
    U unpack --image "$L:base" "$B"
    sleep 1 # the second build runs later: its timestamps differ
    inchroot "$B/rootfs" "apt-get update -qq && apt-get install -y --no-install-recommends python3 openssl=$V libssl3=$V"
    mkdir -p "$B/rootfs/app"
    printf 'print("release %s")\n' "$r" > "$B/rootfs/app/app.py"
    head -c 200000 /dev/zero | tr '\0' 'a' > "$B/rootfs/app/data.txt"
    U repack --refresh-bundle --history.created_by "RUN apt-get install python3 openssl=$V; COPY app /app" \
        --image "$L:release$r" "$B"
    U config --image "$L:release$r" --config.cmd /usr/bin/python3 --config.cmd /app/app.py
    skopeo copy -q "oci:$L:release$r" "docker-archive:$OUT/release$r.docker.tar:ocisquash-test/app:$r"
done
rm -rf "$L"
mv "$WORK/versions.txt" "$OUT/versions.txt"
echo "built $OUT: openssl $OLD and $NEW"
