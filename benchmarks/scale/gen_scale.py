#!/usr/bin/env python3
"""Generates a large image for the scale benchmark (issue 27): by default about 10 GiB of layer content, 2 million
paths and 8 layers, as an OCI layout with gzip layers, deterministically (fixed seed, mtime, owners).

Even layers hold many small files (the headers dominate: about 20 % of the bytes, all of the paths, in
directories of 200 files); odd layers hold few large files (64 to 512 MiB each, the bytes dominate). Content is
as in gen_image.py: 70 % text-like (compresses ~3:1), 30 % random. Each layer after the first overwrites 1 % of
the previous small-file layer's files and whites out another 1 %, so the squash has shadowed entries to drop.

Large files are streamed into the tar, never held in memory; the layer tar is gzipped with pigz (or gzip) and
removed, so the disk needs the compressed image plus one uncompressed layer.

Usage: gen_scale.py OUT_LAYOUT [--paths 2000000] [--gib 10] [--layers 8] [--seed 1]
"""
import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import gen_image  # noqa: E402  (text_bytes, random_bytes, content, add_file, add_dir, sha256_file, write_blob)

CHUNK = 4 << 20


class Stream(io.RawIOBase):
    """SIZE bytes of text-like or random content, produced as they are read."""

    def __init__(self, rng, size, text):
        self.rng, self.left, self.text = rng, size, text

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.left if n < 0 else min(n, self.left, CHUNK)
        self.left -= n
        return gen_image.text_bytes(self.rng, n) if self.text else gen_image.random_bytes(self.rng, n)


def small_layer(tf, rng, idx, files):
    created = []
    top = "usr/share/layer%d" % idx
    gen_image.add_dir(tf, "usr/")
    gen_image.add_dir(tf, "usr/share/")
    gen_image.add_dir(tf, top + "/")
    for d in range((files + 199) // 200):
        dpath = "%s/d%05d/" % (top, d)
        gen_image.add_dir(tf, dpath)
        for f in range(min(200, files - d * 200)):
            p = "%sf%03d.txt" % (dpath, f)
            gen_image.add_file(tf, p, gen_image.content(rng, min(int(rng.expovariate(1 / 1000)), 64 * 1024)))
            created.append(p)
    return created


def large_layer(tf, rng, idx, nbytes):
    top = "opt/blob%d" % idx
    gen_image.add_dir(tf, "opt/")
    gen_image.add_dir(tf, top + "/")
    k = 0
    while nbytes > 0:
        size = min(nbytes, rng.randrange(64, 513) << 20)
        ti = tarfile.TarInfo("%s/part%03d.bin" % (top, k))
        ti.size, ti.mode, ti.mtime, ti.uname, ti.gname = size, 0o644, gen_image.MTIME, "root", "root"
        tf.addfile(ti, Stream(rng, size, rng.random() < 0.7))
        nbytes -= size
        k += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--paths", type=int, default=2_000_000)
    ap.add_argument("--gib", type=float, default=10)
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(os.path.join(a.out, "blobs", "sha256"))
    gz = ["pigz", "-6", "-n"] if shutil.which("pigz") else ["gzip", "-6", "-n"]
    small = [i for i in range(a.layers) if i % 2 == 0]
    large = [i for i in range(a.layers) if i % 2 == 1]
    total = int(a.gib * (1 << 30))
    prev_small, layers, diff_ids = [], [], []
    for i in range(a.layers):
        tar_path = os.path.join(a.out, "layer%d.tar" % i)
        with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT, copybufsize=CHUNK) as tf:
            if i in small:
                created = small_layer(tf, rng, i, a.paths // len(small))
            else:
                large_layer(tf, rng, i, int(total * 0.8) // max(1, len(large)))
                created = None
            if prev_small:
                n = len(prev_small) // 100
                for p in rng.sample(prev_small, n):
                    gen_image.add_file(tf, p, gen_image.content(rng, 300))
                for p in rng.sample(prev_small, n):
                    d, b = os.path.split(p)
                    gen_image.add_file(tf, "%s/.wh.%s" % (d, b), b"")
            if created is not None:
                prev_small = created
        diff_ids.append("sha256:" + gen_image.sha256_file(tar_path))
        subprocess.run(gz + [tar_path], check=True)
        digest = gen_image.sha256_file(tar_path + ".gz")
        size = os.path.getsize(tar_path + ".gz")
        os.replace(tar_path + ".gz", os.path.join(a.out, "blobs", "sha256", digest))
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + digest,
                       "size": size})
        print("layer %d: %.1f MiB compressed" % (i, size / 2**20), flush=True)
    config = {
        "created": "2023-11-14T22:13:20Z", "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "gen_scale.py layer %d" % i}
                    for i in range(a.layers)],
    }
    cdig, csize = gen_image.write_blob(a.out, json.dumps(config, sort_keys=True).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": csize},
                "layers": layers}
    mdig, msize = gen_image.write_blob(a.out, json.dumps(manifest, sort_keys=True).encode())
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig,
                            "size": msize, "annotations": {"org.opencontainers.image.ref.name": "scale"}}]}
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(a.out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print("wrote %s: %d layers, %.1f MiB compressed" % (a.out, a.layers, sum(l["size"] for l in layers) / 2**20))


if __name__ == "__main__":
    main()
