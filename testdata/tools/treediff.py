#!/usr/bin/env python3
"""treediff.py - compare two unpacked root filesystems.

Usage: treediff.py [--mtime] [--allow-missing-file F] A B

Builds the treesum.py manifest of both trees and prints every difference:

  missing  PATH            present in A, absent from B (and not allowed)
  extra    PATH            present in B, absent from A
  differs  PATH FIELD: a-value != b-value

Exit status: 0 when the trees match, 1 on any difference, 2 on usage errors.

--allow-missing-file F lists paths (one per line; blank lines and lines
starting with '#' are ignored; a leading '/' is optional; \\xNN escapes as
printed by treesum.py are decoded) that may be missing from B, each together
with its whole subtree (the paths a squasher was asked to strip).  Anything
present in both trees must still match exactly and B must not have extra
paths.

Hardlinks are compared as groups restricted to the paths present in both
trees, so stripping one member of a hardlink group does not count as a
difference for the survivors, but splitting or merging groups does.
--mtime also compares mtime_ns of non-directories (off by default).
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import treesum  # noqa: E402

FIELDS = ("type", "mode", "uid", "gid", "size", "sha256", "link", "dev",
          "xattrs", "mtime_ns")


def read_allow(path):
    allowed = set()
    with open(path, "r", encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            raw = treesum.unescape(line.strip())
            raw = b"/" + raw.strip(b"/")
            allowed.add(raw)
    return allowed


def is_allowed(path, allowed):
    if not allowed:
        return False
    p = path
    while True:
        if p in allowed:
            return True
        if p == b"/" or not p:
            return False
        p = p.rsplit(b"/", 1)[0] or b"/"


def show(field, rec):
    if field not in rec:
        return "<none>"
    v = rec[field]
    if field == "mode":
        return "%04o" % v
    if field == "link":
        return treesum.escape(v)
    if field == "xattrs":
        return ",".join(treesum.escape(os.fsencode(n)) + "=" + b.hex()
                        for n, b in v)
    return str(v)


def compare(a_root, b_root, allowed=frozenset(), with_mtime=False, out=sys.stdout):
    a = treesum.scan(a_root, with_mtime)
    b = treesum.scan(b_root, with_mtime)
    diffs = []
    for p in sorted(set(a) - set(b)):
        if not is_allowed(p, allowed):
            diffs.append("missing %s (%s)" % (treesum.escape(p), a[p]["type"]))
    for p in sorted(set(b) - set(a)):
        diffs.append("extra   %s (%s)" % (treesum.escape(p), b[p]["type"]))
    common = set(a) & set(b)

    def groups(recs):
        g = {}
        for p in common:
            h = recs[p].get("hlink")
            if h is not None:
                g.setdefault(h, set()).add(p)
        key = {}
        for members in g.values():
            fs = frozenset(members)
            for p in members:
                key[p] = fs
        return key

    ga, gb = groups(a), groups(b)
    for p in sorted(common):
        ra, rb = a[p], b[p]
        for field in FIELDS:
            if ra.get(field) != rb.get(field):
                diffs.append("differs %s %s: %s != %s" % (
                    treesum.escape(p), field, show(field, ra), show(field, rb)))
        ka = ga.get(p, frozenset([p]))
        kb = gb.get(p, frozenset([p]))
        if ka != kb:
            fmt = lambda s: "{" + ",".join(treesum.escape(x) for x in sorted(s)) + "}"
            diffs.append("differs %s hardlinks: %s != %s" % (
                treesum.escape(p), fmt(ka), fmt(kb)))
    for d in diffs:
        out.write(d + "\n")
    return diffs


def main(argv):
    args = list(argv[1:])
    allowed = set()
    with_mtime = False
    pos = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--allow-missing-file":
            if i + 1 >= len(args):
                sys.stderr.write("treediff: --allow-missing-file needs a file\n")
                return 2
            allowed |= read_allow(args[i + 1])
            i += 2
            continue
        if arg.startswith("--allow-missing-file="):
            allowed |= read_allow(arg.split("=", 1)[1])
        elif arg == "--mtime":
            with_mtime = True
        elif arg.startswith("-") and arg != "-":
            sys.stderr.write("treediff: unknown option %s\n" % arg)
            return 2
        else:
            pos.append(arg)
        i += 1
    if len(pos) != 2:
        sys.stderr.write(
            "usage: treediff.py [--mtime] [--allow-missing-file F] A B\n")
        return 2
    for d in pos:
        if not os.path.isdir(d):
            sys.stderr.write("treediff: not a directory: %s\n" % d)
            return 2
    diffs = compare(pos[0], pos[1], allowed, with_mtime)
    if diffs:
        sys.stderr.write("treediff: %d difference(s)\n" % len(diffs))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
