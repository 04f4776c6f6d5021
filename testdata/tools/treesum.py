#!/usr/bin/env python3
"""treesum.py - canonical manifest of an unpacked root filesystem.

Usage: treesum.py [--mtime] ROOTFS

Walks ROOTFS without following symlinks and prints one line per path, sorted
by the raw bytes of the path.  Each line is the escaped absolute path (the
root itself is "/") followed by space separated key=value fields:

  type=f|d|l|c|b|p|s   file, directory, symlink, char dev, block dev, fifo, socket
  mode=NNNN            permission bits incl. setuid/setgid/sticky (octal)
  uid=N gid=N
  size=N               regular files only
  sha256=HEX           regular files only (streamed in 1 MiB chunks)
  link=TARGET          symlinks only (escaped like paths)
  dev=MAJOR:MINOR      char/block devices only
  xattrs=n=hex,...     sorted extended attributes (only when there are any)
  hlink=PATH           non-directories that share an inode with another path
                       of the tree; the id is the smallest path of the group,
                       so it is stable across two trees
  mtime_ns=N           non-directories, only with --mtime

Escaping: every byte outside printable ASCII (0x21-0x7e), plus '\\' and '=',
is written as \\xNN, so a line never contains raw spaces or control bytes.
Directory mtimes are never printed.

Only the Python standard library is used; treediff.py imports this module.
"""
import hashlib
import os
import stat
import sys

CHUNK = 1 << 20


def escape(raw: bytes) -> str:
    out = []
    for b in raw:
        if 0x21 <= b <= 0x7E and b not in (0x5C, 0x3D):
            out.append(chr(b))
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


def unescape(text: str) -> bytes:
    """Inverse of escape(); also accepts plain (unescaped) text."""
    raw = text.encode("utf-8", "surrogateescape")
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i:i + 2] == b"\\x" and i + 4 <= len(raw):
            try:
                out.append(int(raw[i + 2:i + 4].decode("ascii"), 16))
                i += 4
                continue
            except ValueError:
                pass
        out.append(raw[i])
        i += 1
    return bytes(out)


def _sha256(path: bytes) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            h.update(chunk)
    return h.hexdigest()


def _xattrs(path: bytes):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return []
    result = []
    for name in sorted(names):
        try:
            value = os.getxattr(path, name, follow_symlinks=False)
        except OSError:
            continue
        result.append((name, value))
    return result


def _type(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "f"
    if stat.S_ISDIR(mode):
        return "d"
    if stat.S_ISLNK(mode):
        return "l"
    if stat.S_ISCHR(mode):
        return "c"
    if stat.S_ISBLK(mode):
        return "b"
    if stat.S_ISFIFO(mode):
        return "p"
    if stat.S_ISSOCK(mode):
        return "s"
    return "?"


def scan(root, with_mtime=False):
    """Return {raw_path_bytes: dict(fields)} for the tree under root.

    raw paths are absolute inside the tree ("/" for the root).  Each record
    has the keys type, mode, uid, gid and optionally size, sha256, link, dev,
    xattrs (list of (name, bytes)), hlink (raw path bytes), mtime_ns.
    """
    root = os.fsencode(root)
    if not os.path.isdir(root):
        raise SystemExit("treesum: not a directory: %r" % root)
    records = {}
    inodes = {}  # (dev, ino) -> [paths]

    def visit(fs_path: bytes, rel: bytes):
        st = os.lstat(fs_path)
        t = _type(st.st_mode)
        rec = {
            "type": t,
            "mode": stat.S_IMODE(st.st_mode),
            "uid": st.st_uid,
            "gid": st.st_gid,
        }
        if t == "f":
            rec["size"] = st.st_size
            rec["sha256"] = _sha256(fs_path)
        elif t == "l":
            rec["link"] = os.readlink(fs_path)
        elif t in ("c", "b"):
            rec["dev"] = "%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
        xa = _xattrs(fs_path)
        if xa:
            rec["xattrs"] = xa
        if t != "d":
            if with_mtime:
                rec["mtime_ns"] = st.st_mtime_ns
            if st.st_nlink > 1:
                inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
        records[rel] = rec
        if t == "d":
            with os.scandir(fs_path) as it:
                names = sorted(e.name for e in it)
            for name in names:
                child_rel = (rel if rel != b"/" else b"") + b"/" + name
                visit(os.path.join(fs_path, name), child_rel)

    visit(root, b"/")
    for paths in inodes.values():
        if len(paths) > 1:
            gid = min(paths)
            for p in paths:
                records[p]["hlink"] = gid
    return records


def format_record(path: bytes, rec) -> str:
    parts = [escape(path), "type=" + rec["type"], "mode=%04o" % rec["mode"],
             "uid=%d" % rec["uid"], "gid=%d" % rec["gid"]]
    if "size" in rec:
        parts.append("size=%d" % rec["size"])
    if "sha256" in rec:
        parts.append("sha256=" + rec["sha256"])
    if "link" in rec:
        parts.append("link=" + escape(rec["link"]))
    if "dev" in rec:
        parts.append("dev=" + rec["dev"])
    if "xattrs" in rec:
        parts.append("xattrs=" + ",".join(
            escape(os.fsencode(n)) + "=" + v.hex() for n, v in rec["xattrs"]))
    if "hlink" in rec:
        parts.append("hlink=" + escape(rec["hlink"]))
    if "mtime_ns" in rec:
        parts.append("mtime_ns=%d" % rec["mtime_ns"])
    return " ".join(parts)


def main(argv):
    args = list(argv[1:])
    with_mtime = False
    if "--mtime" in args:
        args.remove("--mtime")
        with_mtime = True
    if len(args) != 1 or args[0].startswith("-"):
        sys.stderr.write("usage: treesum.py [--mtime] ROOTFS\n")
        return 2
    records = scan(args[0], with_mtime)
    out = sys.stdout
    for path in sorted(records):
        out.write(format_record(path, records[path]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
