#!/usr/bin/env bash
# option-matrix-digests.sh JAR OUTFILE
#
# Squashes testdata/sample/busybox-sample.tar with JAR over a matrix of options (formats docker / oci / oci-dir,
# compression gzip / zstd / none, --preset safe, --from, --keep-base, --max-layers, --prior, --source-date-epoch)
# and writes one line per output, "NAME SHA256", to OUTFILE. Run it with the jar built before and after a change
# and diff the two files: a change that must not alter output bytes gives identical files.
#
# A second round reads OCI input carrying fields ocisquash does not know (top-level, in config.config, in history
# entries, in descriptors, in index.json and its entry's platform), added by enrich() below, so that keeping unknown
# fields byte for byte is compared too. That input is made from a round-one output, so if round one differs, round
# two differs as well: look at round one first.
#
# Needs bash, java, python3 and sha256sum. Gzip uses --gzip-encoder zlib so that the bytes do not depend on which
# native codec loads; everything runs with one thread and without SOURCE_DATE_EPOCH from the environment.
# KEEP_TMP=1 keeps the outputs (their directory is printed).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 JAR OUTFILE" >&2
  exit 2
fi
JAR=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
OUTFILE=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SAMPLE=$HERE/../sample/busybox-sample.tar
[ -f "$JAR" ] || { echo "option-matrix-digests: no jar at $JAR" >&2; exit 2; }
unset SOURCE_DATE_EPOCH

WORK=$(mktemp -d "${TMPDIR:-/tmp}/option-matrix.XXXXXX")
if [ "${KEEP_TMP:-0}" = 1 ]; then
  echo "option-matrix-digests: outputs kept in $WORK" >&2
else
  trap 'rm -rf "$WORK"' EXIT
fi
RESULTS=$WORK/results

# The digest of a file, or of a directory as the sorted list of its files' digests and relative paths.
digest() {
  if [ -d "$1" ]; then
    (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
  else
    sha256sum "$1" | cut -d' ' -f1
  fi
}

# squash NAME IN [OPTION...]: squashes IN to $WORK/NAME and records its digest.
squash() {
  local name=$1 in=$2
  shift 2
  java -jar "$JAR" squash "$in" -o "$WORK/$name" --threads 1 --gzip-encoder zlib -q "$@"
  echo "$name $(digest "$WORK/$name")" >>"$RESULTS"
}

# analyze NAME IN: records the digest of analyze's JSON report (it reads the config's history). The report names
# its input as given, so IN is passed relative to its own directory.
analyze() {
  (cd "$(dirname "$2")" && java -jar "$JAR" analyze "$(basename "$2")" --json "$WORK/$1" -q >/dev/null)
  echo "$1 $(digest "$WORK/$1")" >>"$RESULTS"
}

# enrich OCI_ARCHIVE DIR: unpacks an oci-archive into the layout DIR and adds unknown fields to its index, manifest
# and config (and their descriptors), re-digesting the blobs it rewrites.
enrich() {
  mkdir -p "$2"
  tar -xf "$1" -C "$2"
  python3 - "$2" <<'EOF'
import hashlib, json, os, sys
root = sys.argv[1]
def blob(d):
    return os.path.join(root, "blobs", *d.split(":", 1))
def put(doc):
    data = json.dumps(doc, separators=(",", ":")).encode()
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(d), "wb") as f:
        f.write(data)
    return d, len(data)
index = json.load(open(os.path.join(root, "index.json")))
entry = index["manifests"][0]
manifest = json.load(open(blob(entry["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
config["x-unknown-top"] = {"nested": [1, 2.5, "three", None, True]}
config.setdefault("config", {})["X-Unknown-Runtime"] = "kept"
config["config"]["Labels"] = dict(config["config"].get("Labels") or {}, **{"org.example.z": "1", "org.example.a": "2"})
config["rootfs"]["x-rootfs-extra"] = "kept"
for i, h in enumerate(config.get("history", [])):
    h["x-history-extra"] = i
manifest["config"]["digest"], manifest["config"]["size"] = put(config)
manifest["config"]["x-descriptor-extra"] = "kept"
manifest["annotations"] = {"org.example.manifest": "kept"}
manifest["x-manifest-extra"] = [3, 2, 1]
for l in manifest["layers"]:
    l["x-layer-extra"] = "kept"
entry["digest"], entry["size"] = put(manifest)
entry["platform"] = {"architecture": "amd64", "os": "linux", "os.features": ["x-feature"], "x-platform-extra": 1}
entry["x-entry-extra"] = "kept"
index["x-index-extra"] = {"a": 1}
with open(os.path.join(root, "index.json"), "w") as f:
    json.dump(index, f, separators=(",", ":"))
EOF
}

# Round one: the docker-archive sample.
squash docker-gzip "$SAMPLE" --format docker --compression gzip
squash docker-none "$SAMPLE" --format docker --compression none
squash oci-gzip "$SAMPLE" --format oci --compression gzip
squash oci-zstd "$SAMPLE" --format oci --compression zstd
squash oci-none "$SAMPLE" --format oci --compression none
squash ocidir-gzip "$SAMPLE" --format oci-dir --compression gzip
squash oci-safe "$SAMPLE" --format oci --compression gzip --preset safe --report-json "$WORK/oci-safe.report.json"
echo "oci-safe.report.json $(digest "$WORK/oci-safe.report.json")" >>"$RESULTS"
squash docker-from1 "$SAMPLE" --format docker --compression gzip --from 1
squash oci-from1 "$SAMPLE" --format oci --compression zstd --from 1
squash oci-keepbase "$SAMPLE" --format oci --compression gzip --keep-base --allow-noop
squash oci-epoch "$SAMPLE" --format oci --compression gzip --source-date-epoch 1000000000
squash oci-maxlayers "$SAMPLE" --format oci --compression gzip --max-layers 3 --big-file 1K
squash oci-prior "$SAMPLE" --format oci --compression gzip --max-layers 3 --big-file 1K --prior "$WORK/oci-maxlayers"
squash docker-maxlayers "$SAMPLE" --format docker --compression none --max-layers 2
squash oci-noop "$SAMPLE" --format oci --compression none --from 2 --allow-noop
analyze analyze-docker.json "$SAMPLE"

# Round two: an OCI layout with unknown fields everywhere, read by the OCI reader.
enrich "$WORK/oci-noop" "$WORK/enriched"
echo "enriched-input $(digest "$WORK/enriched")" >>"$RESULTS"
squash enriched-oci "$WORK/enriched" --format oci --compression gzip
squash enriched-docker "$WORK/enriched" --format docker --compression gzip
squash enriched-ocidir "$WORK/enriched" --format oci-dir --compression zstd
squash enriched-from1 "$WORK/enriched" --format oci --compression gzip --from 1
squash enriched-platform "$WORK/enriched" --format oci --compression none --platform linux/amd64
squash enriched-maxlayers "$WORK/enriched" --format oci --compression gzip --max-layers 2 --preset safe
squash enriched-epoch "$WORK/enriched" --format docker --compression gzip --source-date-epoch 1000000000
analyze analyze-enriched.json "$WORK/enriched"

cp "$RESULTS" "$OUTFILE"
echo "option-matrix-digests: $(wc -l <"$OUTFILE") outputs digested into $OUTFILE"
