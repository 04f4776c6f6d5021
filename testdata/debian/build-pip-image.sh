#!/usr/bin/env bash
# build-pip-image.sh DEBIAN_LAYOUT OUTDIR
#
# Adds one layer to the Debian image of build-debian-image.sh: pip, setuptools and wheel installed by real
# pip from the wheels Debian ships (python3-pip-whl, python3-setuptools-whl, python3-wheel-whl; PyPI is not
# needed), and "demo", a small project that pip builds with that setuptools and wheel and that requires
# wheel (Requires-Dist: wheel), so that one pip distribution depends on another. All four are written by pip
# under /usr/local/lib/python3.11/dist-packages with a RECORD.
# Output: OUTDIR/layout (OCI layout, tag "pip"). Needs root, umoci and the Debian mirror. Reuses OUTDIR if
# it is already complete. The input layout is not modified (its blobs are hard-linked or copied, never rewritten).
set -euo pipefail
SRC=${1:?usage: $0 DEBIAN_LAYOUT OUTDIR}
OUT=${2:?usage: $0 DEBIAN_LAYOUT OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [ -f "$OUT/layout/index.json" ] && [ -f "$OUT/done" ]; then
    echo "reusing $OUT"
    exit 0
fi
L=$OUT/layout
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocisquash-pip.XXXXXX")
R=$WORK/bundle/rootfs
cleanup() {
    for m in proc dev; do umount -l "$R/$m" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
U() { umoci --log=error "$@"; }

rm -rf "$L" "$OUT/done"
mkdir -p "$L/blobs"
cp -al "$SRC/blobs/sha256" "$L/blobs/" 2>/dev/null || { rm -rf "$L/blobs/sha256"; cp -a "$SRC/blobs/sha256" "$L/blobs/"; }
cp "$SRC/index.json" "$SRC/oci-layout" "$L/"
U tag --image "$L:debian" pip
U unpack --image "$L:pip" "$WORK/bundle"
mkdir -p "$R/tmp/demo/demo"
cat > "$R/tmp/demo/setup.py" <<'PY'
from setuptools import setup
setup(name="demo", version="1.0", packages=["demo"], install_requires=["wheel"])
PY
echo 'import wheel' > "$R/tmp/demo/demo/__init__.py"
mount -t proc proc "$R/proc"
mount --bind /dev "$R/dev"
rc=0
chroot "$R" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive /bin/sh -c '
set -e
apt-get update -qq
apt-get install -y --no-install-recommends python3-pip-whl python3-setuptools-whl python3-wheel-whl
cd /usr/share/python-wheels
P=$(echo pip-*.whl); python3 "$P/pip" install --no-index --break-system-packages pip-*.whl setuptools-*.whl wheel-*.whl
pip install --no-index --no-build-isolation --break-system-packages /tmp/demo
rm -rf /tmp/demo /root/.cache
pip list
' >"$WORK/chroot.log" 2>&1 || rc=$?
umount -l "$R/dev" "$R/proc"
if [ $rc != 0 ]; then tail -30 "$WORK/chroot.log"; exit $rc; fi
U repack --refresh-bundle --history.created_by "RUN pip install pip setuptools wheel demo" --image "$L:pip" "$WORK/bundle"
touch "$OUT/done"
echo "built $OUT"
