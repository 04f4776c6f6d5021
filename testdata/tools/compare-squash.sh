#!/usr/bin/env bash
# compare-squash.sh ORIGINAL_REF SQUASHED_REF [ALLOW_MISSING]
#
# Checks that a squashed image has exactly the same root filesystem as the
# original.  Refs are skopeo transports, e.g.
#   oci:/path/layout:tag   docker-archive:/x.tar[:name:tag]   oci-archive:/y.tar
#
# Steps:
#   1. `skopeo inspect SQUASHED_REF` must succeed.
#   2. both refs are `skopeo copy`-ed into temporary OCI layouts (skopeo
#      verifies every blob digest on the way); zstd layers are recompressed
#      to gzip because umoci 0.4.7 cannot unpack zstd.
#   3. both are unpacked with `umoci unpack` (as root, so owners, devices and
#      security.* xattrs are kept).
#   4. treediff.py compares the two rootfs trees; ALLOW_MISSING (a file of
#      paths, see treediff.py) lists paths that may be absent from the squash.
#   5. the runtime config (Env, Cmd, Entrypoint, WorkingDir, User,
#      ExposedPorts, Volumes, Labels, StopSignal) must match too; set
#      COMPARE_CONFIG=0 to skip this.
#
# Exit status: 0 iff identical, 1 on any difference, 2 on errors (bad usage,
# skopeo/umoci failure, failing inspect).
# COMPARE_MTIME=1 also compares mtimes of non-directories (treediff --mtime).
# KEEP_TMP=1 keeps the temporary directory (its path is printed).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 ORIGINAL_REF SQUASHED_REF [ALLOW_MISSING]" >&2
    exit 2
fi
ORIG=$1 SQ=$2 ALLOW=${3:-}
if [ -n "$ALLOW" ] && [ ! -f "$ALLOW" ]; then
    echo "compare-squash: allow-missing file not found: $ALLOW" >&2
    exit 2
fi
for tool in skopeo umoci python3; do
    command -v "$tool" >/dev/null || { echo "compare-squash: missing $tool" >&2; exit 2; }
done
if [ "$(id -u)" != 0 ]; then
    echo "compare-squash: must run as root (umoci unpack of owners/devices)" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/compare-squash.XXXXXX")
cleanup() {
    if [ "${KEEP_TMP:-0}" = 1 ]; then echo "compare-squash: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

fail() { echo "compare-squash: $*" >&2; exit 2; }

skopeo inspect "$SQ" > "$TMP/squashed.inspect.json" 2> "$TMP/inspect.err" || {
    cat "$TMP/inspect.err" >&2
    fail "skopeo inspect failed for $SQ"
}

# layout_info DIR: prints "<layer count> <non-gzip/tar media types>" for tag img
layout_info() {
    python3 - "$1" <<'PY'
import json, sys
lay = sys.argv[1]
idx = json.load(open(lay + "/index.json"))
desc = [m for m in idx["manifests"]
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "img"][0]
man = json.load(open(lay + "/blobs/sha256/" + desc["digest"].split(":", 1)[1]))
ok = ("application/vnd.oci.image.layer.v1.tar",
      "application/vnd.oci.image.layer.v1.tar+gzip")
bad = sorted({l["mediaType"] for l in man["layers"] if l["mediaType"] not in ok})
print(len(man["layers"]), " ".join(bad))
PY
}

# fetch NAME REF: copy REF to $TMP/NAME (OCI layout, tag img), unpack to $TMP/NAME-bundle
fetch() {
    local name=$1 ref=$2 info
    skopeo copy -q "$ref" "oci:$TMP/$name:img" 2> "$TMP/$name.err" || {
        cat "$TMP/$name.err" >&2; fail "skopeo copy failed for $ref"; }
    info=$(layout_info "$TMP/$name")
    if [ -n "${info#* }" ]; then
        # e.g. zstd: recompress to gzip so that umoci can unpack it
        rm -rf "$TMP/$name"
        skopeo copy -q --dest-compress --dest-compress-format gzip "$ref" "oci:$TMP/$name:img" \
            2> "$TMP/$name.err" || { cat "$TMP/$name.err" >&2; fail "skopeo copy (gzip) failed for $ref"; }
        info=$(layout_info "$TMP/$name")
    fi
    echo "compare-squash: $name: ${info%% *} layer(s) <- $ref" >&2
    umoci --log=error unpack --image "$TMP/$name:img" "$TMP/$name-bundle" 2> "$TMP/$name.err" || {
        cat "$TMP/$name.err" >&2; fail "umoci unpack failed for $ref"; }
}

fetch original "$ORIG"
fetch squashed "$SQ"

status=0
args=()
[ -n "$ALLOW" ] && args+=(--allow-missing-file "$ALLOW")
[ "${COMPARE_MTIME:-0}" = 1 ] && args+=(--mtime)
python3 "$HERE/treediff.py" "${args[@]}" "$TMP/original-bundle/rootfs" "$TMP/squashed-bundle/rootfs" || {
    rc=$?
    [ "$rc" = 1 ] || fail "treediff failed (exit $rc)"
    status=1
}

if [ "${COMPARE_CONFIG:-1}" = 1 ]; then
    python3 - "$TMP/original-bundle/config.json" "$TMP/squashed-bundle/config.json" \
        "$TMP/original" "$TMP/squashed" <<'PY' || status=1
import json, sys
def image_config(lay):
    idx = json.load(open(lay + "/index.json"))
    desc = [m for m in idx["manifests"]
            if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "img"][0]
    man = json.load(open(lay + "/blobs/sha256/" + desc["digest"].split(":", 1)[1]))
    cfg = json.load(open(lay + "/blobs/sha256/" + man["config"]["digest"].split(":", 1)[1]))
    return cfg.get("config") or {}
a, b = image_config(sys.argv[3]), image_config(sys.argv[4])
bad = 0
for k in ("Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts",
          "Volumes", "Labels", "StopSignal"):
    va, vb = a.get(k) or None, b.get(k) or None
    if va != vb:
        print("config  %s: %s != %s" % (k, json.dumps(va), json.dumps(vb)))
        bad = 1
sys.exit(bad)
PY
fi

if [ "$status" = 0 ]; then
    echo "compare-squash: IDENTICAL" >&2
else
    echo "compare-squash: DIFFERENT" >&2
fi
exit "$status"
