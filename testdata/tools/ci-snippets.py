#!/usr/bin/env python3
"""Takes the tested shell parts out of docs/ci.md.

A part starts at a line holding `ocisquash-doc-test: begin NAME MODE [VAR=VALUE...]` and ends at the next
`ocisquash-doc-test: end`; both markers are comments (shell or YAML). The lines between are dedented by the begin
marker's indentation; YAML list items (`- command`, GitLab's `script:`) lose their dash. Each part is written to
OUT_DIR/NAME.sh, and OUT_DIR/NAME.env holds MODE on its first line and the VAR=VALUE pairs after it.

usage: ci-snippets.py DOC OUT_DIR
"""
import os
import re
import sys

BEGIN = re.compile(r"^(\s*)#\s*ocisquash-doc-test: begin (\S+) (host|image)((?: \S+=\S*)*)\s*$")
END = re.compile(r"^\s*#\s*ocisquash-doc-test: end\s*$")


def main(doc, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    current = None
    names = []
    with open(doc, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = BEGIN.match(line)
            if m:
                if current:
                    sys.exit(f"{doc}:{number}: begin inside the part '{current[0]}'")
                indent, name, mode, env = m.group(1), m.group(2), m.group(3), m.group(4).split()
                if name in names:
                    sys.exit(f"{doc}:{number}: a second part named '{name}'")
                current = (name, mode, env, indent, [])
                continue
            if END.match(line):
                if not current:
                    sys.exit(f"{doc}:{number}: end without begin")
                name, mode, env, _, body = current
                with open(os.path.join(out_dir, name + ".sh"), "w", encoding="utf-8") as o:
                    o.write("\n".join(body) + "\n")
                with open(os.path.join(out_dir, name + ".env"), "w", encoding="utf-8") as o:
                    o.write("\n".join([mode] + env) + "\n")
                names.append(name)
                current = None
                continue
            if current:
                indent = current[3]
                if line.strip() and not line.startswith(indent):
                    sys.exit(f"{doc}:{number}: less indented than its begin marker")
                text = line[len(indent):]
                if text.startswith("- "):
                    text = text[2:]
                current[4].append(text)
    if current:
        sys.exit(f"{doc}: part '{current[0]}' has no end marker")
    if not names:
        sys.exit(f"{doc}: no ocisquash-doc-test parts")
    print("\n".join(names))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: ci-snippets.py DOC OUT_DIR")
    main(sys.argv[1], sys.argv[2])
