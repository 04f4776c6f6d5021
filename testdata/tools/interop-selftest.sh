#!/usr/bin/env bash
# interop-selftest.sh - proves that the comparison harness can fail.
#
# Builds the `hardlinks` fixture and checks compare-squash.sh / treediff.py:
#   - an image against itself, its docker-archive and oci-archive exports and
#     a fresh `skopeo copy` to docker-archive: IDENTICAL (exit 0)
#   - the image with its last layer dropped (manifest/config/index edited
#     by hand, digests recomputed): DIFFERENT (exit 1)
#   - an extra layer that only chmods one file: DIFFERENT (exit 1)
#   - an extra layer that deletes one file: DIFFERENT (exit 1), but
#     IDENTICAL with that path in the allow-missing file
#   - a squashed ref that does not exist: error (exit 2)
#   - treediff on a copy where a hardlink pair was split: DIFFERENT
# Exit 0 iff every check behaves as expected.  Needs root, umoci, skopeo.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIXTURES=$HERE/../fixtures/build-fixtures.sh
CMP=$HERE/compare-squash.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/interop-selftest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
U() { umoci --log=error "$@"; }

failures=0
# expect RC DESCRIPTION CMD...
expect() {
    local want=$1 desc=$2 rc=0; shift 2
    "$@" > "$TMP/last.out" 2>&1 || rc=$?
    if [ "$rc" = "$want" ]; then
        echo "ok   - $desc (exit $rc)"
    else
        echo "FAIL - $desc: exit $rc, expected $want"
        sed 's/^/       /' "$TMP/last.out" | tail -20
        failures=$((failures + 1))
    fi
}

echo "# building fixture"
"$FIXTURES" "$TMP/fx" hardlinks > /dev/null
L=$TMP/fx/layout
REF=oci:$L:hardlinks

# --- a copy of the image without its last layer ---------------------------
python3 - "$L" hardlinks truncated <<'PY'
import hashlib, json, os, sys
lay, src, dst = sys.argv[1:]
def blob(d):
    return os.path.join(lay, "blobs", d.split(":")[0], d.split(":", 1)[1])
def put(obj):
    data = json.dumps(obj, separators=(",", ":")).encode()
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(d), "wb") as f:
        f.write(data)
    return d, len(data)
idx = json.load(open(os.path.join(lay, "index.json")))
desc = [m for m in idx["manifests"]
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == src][0]
man = json.load(open(blob(desc["digest"])))
cfg = json.load(open(blob(man["config"]["digest"])))
man["layers"] = man["layers"][:-1]
cfg["rootfs"]["diff_ids"] = cfg["rootfs"]["diff_ids"][:-1]
hist = cfg.get("history", [])
for i in range(len(hist) - 1, -1, -1):          # drop the last non-empty entry
    if not hist[i].get("empty_layer"):
        del hist[i]
        break
cd, cs = put(cfg)
man["config"]["digest"], man["config"]["size"] = cd, cs
md, ms = put(man)
new = dict(desc, digest=md, size=ms,
           annotations=dict(desc.get("annotations", {}),
                            **{"org.opencontainers.image.ref.name": dst}))
idx["manifests"].append(new)
with open(os.path.join(lay, "index.json"), "w") as f:
    json.dump(idx, f)
print("truncated: %d layers" % len(man["layers"]))
PY

# --- images with one extra layer made by umoci ------------------------------
U unpack --image "$L:hardlinks" "$TMP/b1"
chmod 0600 "$TMP/b1/rootfs/hl/a1"
U repack --image "$L:chmod" "$TMP/b1"
U unpack --image "$L:hardlinks" "$TMP/b2"
rm -f "$TMP/b2/rootfs/hl/b2"
U repack --image "$L:deleted" "$TMP/b2"
printf '# stripped on purpose\n/hl/b2\n' > "$TMP/allow-b2"
printf '/hl/a1\n' > "$TMP/allow-a1"

skopeo copy -q "$REF" "docker-archive:$TMP/self.docker.tar:selftest/self:latest"

echo "# checks"
expect 0 "image vs itself"                  "$CMP" "$REF" "$REF"
expect 0 "image vs skopeo docker-archive copy" "$CMP" "$REF" "docker-archive:$TMP/self.docker.tar"
expect 0 "image vs fixture docker-archive"  "$CMP" "$REF" "docker-archive:$TMP/fx/hardlinks.docker.tar"
expect 0 "image vs fixture oci-archive"     "$CMP" "$REF" "oci-archive:$TMP/fx/hardlinks.oci.tar"
expect 1 "image vs last layer dropped"      "$CMP" "$REF" "oci:$L:truncated"
sed 's/^/       /' "$TMP/last.out"
expect 1 "last layer dropped vs image"      "$CMP" "oci:$L:truncated" "$REF"
expect 1 "image vs extra chmod layer"       "$CMP" "$REF" "oci:$L:chmod"
expect 1 "image vs extra delete layer"      "$CMP" "$REF" "oci:$L:deleted"
expect 0 "delete layer, path allowed missing" "$CMP" "$REF" "oci:$L:deleted" "$TMP/allow-b2"
expect 1 "chmod layer, allow list does not mask changes" "$CMP" "$REF" "oci:$L:chmod" "$TMP/allow-a1"
expect 1 "deleted image vs image (extra path in B)" "$CMP" "oci:$L:deleted" "$REF" "$TMP/allow-b2"
expect 2 "squashed ref does not exist"      "$CMP" "$REF" "docker-archive:$TMP/nope.tar"

# treediff directly: split a hardlink pair (same content, new inode)
mkdir -p "$TMP/t"
U unpack --image "$L:hardlinks" "$TMP/t/a"
cp -a "$TMP/t/a/rootfs" "$TMP/t/b"
cp -p "$TMP/t/b/hl/c3" "$TMP/t/b/hl/c3.new" && mv -f "$TMP/t/b/hl/c3.new" "$TMP/t/b/hl/c3"
cp -a "$TMP/t/a/rootfs" "$TMP/t/d"
expect 0 "treediff: cp -a copy is identical" python3 "$HERE/treediff.py" "$TMP/t/a/rootfs" "$TMP/t/d"
expect 1 "treediff: split hardlink detected" python3 "$HERE/treediff.py" "$TMP/t/a/rootfs" "$TMP/t/b"
setfattr -n user.selftest -v 1 "$TMP/t/a/rootfs/hl/a2"
cp -a "$TMP/t/a/rootfs" "$TMP/t/c"
setfattr -x user.selftest "$TMP/t/c/hl/a2"
expect 1 "treediff: xattr-only difference detected" python3 "$HERE/treediff.py" "$TMP/t/a/rootfs" "$TMP/t/c"

if [ "$failures" = 0 ]; then
    echo "# interop-selftest: all checks passed"
else
    echo "# interop-selftest: $failures check(s) FAILED"
    exit 1
fi
