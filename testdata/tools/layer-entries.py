#!/usr/bin/env python3
"""layer-entries.py - list the entries of every layer of a `docker save` tar.

Usage: layer-entries.py ARCHIVE

Reads manifest.json of ARCHIVE (the legacy layout as well as the Docker 25+ one)
and prints one tab-separated line per entry of each layer, in layer order:

  LAYER  TYPE  NAME  LINKNAME  XATTRS

LAYER is the 0-based layer index, TYPE one of f d l h c b p (file, directory,
symlink, hardlink, char dev, block dev, fifo), NAME and LINKNAME are the raw
names from the layer tar (LINKNAME is "-" when empty), XATTRS the sorted
comma-separated names of the entry's SCHILY.xattr PAX records (as Go writes them) ("-" when none).

Independent of ocisquash: only Python's tarfile reads the layers, so tests can
check what a real tool (Docker) wrote without trusting our own tar reader.
Layers may be plain tar or gzip; anything else is an error.
"""
import json
import sys
import tarfile

TYPES = {
    tarfile.REGTYPE: "f", tarfile.AREGTYPE: "f", tarfile.DIRTYPE: "d",
    tarfile.SYMTYPE: "l", tarfile.LNKTYPE: "h", tarfile.CHRTYPE: "c",
    tarfile.BLKTYPE: "b", tarfile.FIFOTYPE: "p",
}
XATTR = "SCHILY.xattr."


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with tarfile.open(argv[1]) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        if len(manifest) != 1:
            print("layer-entries: expected one image in manifest.json, found %d" % len(manifest),
                  file=sys.stderr)
            return 2
        for index, name in enumerate(manifest[0]["Layers"]):
            member = outer.getmember(name)
            while member.issym():  # the legacy layout links duplicate layers to the first copy
                member = outer.getmember(member.linkpath)
            with tarfile.open(fileobj=outer.extractfile(member), mode="r:*") as layer:
                for e in layer:
                    xattrs = sorted(k[len(XATTR):] for k in e.pax_headers if k.startswith(XATTR))
                    print("%d\t%s\t%s\t%s\t%s" % (index, TYPES.get(e.type, "?"), e.name,
                                                  e.linkname or "-", ",".join(xattrs) or "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
