#!/usr/bin/env python3
"""caps-tar.py OUT - writes the tar the Dockerfile ADDs: one file, capfile, with a security.capability xattr
(cap_net_raw=ep, VFS_CAP_REVISION_2) in a PAX SCHILY.xattr record, as GNU tar and Go write them."""
import io
import sys
import tarfile

CAP_NET_RAW_EP = bytes([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00]) + bytes(12)
data = b"cap\n"
info = tarfile.TarInfo("capfile")
info.size = len(data)
info.mode = 0o755
info.mtime = 1700000000
info.pax_headers = {"SCHILY.xattr.security.capability": CAP_NET_RAW_EP.decode("latin-1")}
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT, encoding="latin-1") as t:
    t.addfile(info, io.BytesIO(data))
