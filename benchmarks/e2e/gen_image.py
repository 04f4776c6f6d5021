#!/usr/bin/env python3
"""Generates a synthetic multi-layer image as an OCI layout, deterministically (fixed seed, mtime, owners).

Layers are written as plain tars with Python's tarfile, then gzipped with pigz (or gzip) and stored in
OUT/blobs/sha256 with an index.json, manifest and config written here, so no container tool is needed. The
content is meant to stress the squasher the way real images do: many small files (headers dominate), a few
large ones (bytes dominate), a mix of text that compresses ~3:1 and random data that does not, and later layers
that overwrite, delete (whiteouts) and opaque-replace directories of earlier ones.

Usage: gen_image.py OUT_LAYOUT --files N --large-mib M [--layers 5] [--tag bench] [--seed 1]
"""
import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import tarfile

WORDS = [w.encode() for w in (
    "import os\n", "def main():\n", "    return None\n", "usr/lib/python3/", "#include <stdio.h>\n",
    "Copyright (C) ", "GNU General Public License", "LC_MESSAGES", "msgid \"", "msgstr \"", "\t", "{\"key\": ",
    "0123456789", "<div class=\"x\">", "</div>\n", "self.assertEqual(", "lorem ipsum dolor sit amet ",
)]
MTIME = 1700000000


_POOL = None


def text_bytes(rng, n):
    """Compressible text-like content (~3:1 with gzip -6): a random slice of a pool built once, because building
    gigabytes word by word in Python would take longer than the benchmark."""
    global _POOL
    if _POOL is None:
        prng = random.Random(12345)
        out = bytearray()
        while len(out) < 8 << 20:
            out += WORDS[prng.randrange(len(WORDS))]
            if prng.random() < 0.1:
                out += str(prng.randrange(1 << 30)).encode()
        _POOL = bytes(out)
    if n <= len(_POOL):
        start = rng.randrange(len(_POOL) - n + 1)
        return _POOL[start:start + n]
    return b"".join(text_bytes(rng, min(n - k, len(_POOL))) for k in range(0, n, len(_POOL)))


def random_bytes(rng, n):
    """Incompressible content, like already-compressed assets."""
    return rng.randbytes(n)


def content(rng, n):
    # 70% of files text-like, 30% random: overall ratio near real /usr.
    return text_bytes(rng, n) if rng.random() < 0.7 else random_bytes(rng, n)


def add_file(tf, path, data, mode=0o644):
    ti = tarfile.TarInfo(path)
    ti.size = len(data)
    ti.mode = mode
    ti.mtime = MTIME
    ti.uname = ti.gname = "root"
    tf.addfile(ti, io.BytesIO(data))


def add_dir(tf, path):
    ti = tarfile.TarInfo(path)
    ti.type = tarfile.DIRTYPE
    ti.mode = 0o755
    ti.mtime = MTIME
    ti.uname = ti.gname = "root"
    tf.addfile(ti)


def build_layer(path, idx, nlayers, rng, files, large_bytes, history):
    """Writes layer idx; returns list of regular-file paths it created (for later layers to modify)."""
    created = []
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tf:
        top = "opt/layer%d" % idx
        add_dir(tf, "opt/")
        add_dir(tf, top + "/")
        per_dir = 200
        for d in range((files + per_dir - 1) // per_dir):
            dpath = "%s/pkg%04d/" % (top, d)
            add_dir(tf, dpath)
            for f in range(min(per_dir, files - d * per_dir)):
                size = int(rng.expovariate(1 / 3000))  # mean 3 KB, long tail like real file sizes
                p = "%smod_%05d.py" % (dpath, f)
                add_file(tf, p, content(rng, min(size, 256 * 1024)))
                created.append(p)
        # A few large files: one text-like, one random, per layer.
        half = large_bytes // 2
        if half > 0:
            add_file(tf, top + "/big-text.bin", text_bytes(rng, half))
            add_file(tf, top + "/big-random.bin", random_bytes(rng, large_bytes - half))
        # Later layers modify earlier ones: overwrite some files, delete some, replace one directory (opaque).
        if idx > 0:
            prev = history[idx - 1]
            for p in rng.sample(prev, min(len(prev), files // 20)):
                add_file(tf, p, content(rng, 500))
            for p in rng.sample(prev, min(len(prev), files // 20)):
                d, b = os.path.split(p)
                add_file(tf, "%s/.wh.%s" % (d, b), b"")
            add_dir(tf, "opt/layer%d/pkg0000/" % (idx - 1))
            add_file(tf, "opt/layer%d/pkg0000/.wh..wh..opq" % (idx - 1), b"")
            add_file(tf, "opt/layer%d/big-random.bin" % (idx - 1), b"replaced\n")
    return created


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                return h.hexdigest()
            h.update(b)


def write_blob(layout, data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, required=True, help="small files in total, over all layers")
    ap.add_argument("--large-mib", type=int, required=True, help="MiB of large files per layer")
    ap.add_argument("--layers", type=int, default=5)
    ap.add_argument("--tag", default="bench")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    blobs = os.path.join(a.out, "blobs", "sha256")
    os.makedirs(blobs)
    gz = ["pigz", "-6", "-n"] if shutil.which("pigz") else ["gzip", "-6", "-n"]
    history, layers, diff_ids = [], [], []
    for i in range(a.layers):
        tar_path = os.path.join(a.out, "layer%d.tar" % i)
        history.append(build_layer(tar_path, i, a.layers, rng, a.files // a.layers, a.large_mib << 20, history))
        diff_ids.append("sha256:" + sha256_file(tar_path))
        subprocess.run(gz + [tar_path], check=True)  # -> layer%d.tar.gz, removes the tar
        digest = sha256_file(tar_path + ".gz")
        size = os.path.getsize(tar_path + ".gz")
        os.replace(tar_path + ".gz", os.path.join(blobs, digest))
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": "sha256:" + digest, "size": size})
    config = {
        "created": "2023-11-14T22:13:20Z",
        "architecture": "amd64",
        "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "gen_image.py layer %d" % i}
                    for i in range(a.layers)],
    }
    cdig, csize = write_blob(a.out, json.dumps(config, sort_keys=True).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": csize},
        "layers": layers,
    }
    mdig, msize = write_blob(a.out, json.dumps(manifest, sort_keys=True).encode())
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig,
                       "size": msize, "annotations": {"org.opencontainers.image.ref.name": a.tag}}],
    }
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(a.out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    total = sum(l["size"] for l in layers)
    print("wrote %s: %d layers, %.1f MiB compressed" % (a.out, a.layers, total / 2**20))


if __name__ == "__main__":
    main()
