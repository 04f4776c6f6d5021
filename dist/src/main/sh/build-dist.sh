#!/usr/bin/env bash
# Builds the self-contained distribution: a jlinked Java runtime, the CLI jar, the launcher and the native codecs
# (with their licenses), as DIR/ocisquash-VERSION/ and DIR/ocisquash-VERSION-linux-x86_64.tar.gz.
#
# usage: build-dist.sh CLI_JAR LAUNCHER OUT_DIR VERSION MODULES LICENSE
#   MODULES: the Java modules to link (comma-separated); JAVA_HOME: the JDK whose jlink and jmods are used.
#   LICENSE: ocisquash's own license (the repository's LICENSE), copied to the distribution's root.
#
# The native codecs are copied from the Debian packages installed on the build machine (libisal2, libdeflate0,
# see .ci/install-deps), with /usr/share/doc/<package>/copyright as their license and the package versions in
# licenses/native-packages.txt. They link only against glibc.
#
# Reproducible: the same inputs give the same tarball. Entries are sorted, owned by 0:0, dated SOURCE_DATE_EPOCH
# (default: the last commit's time), and gzip stores no name or time. The runtime carries no CDS archive: JDK 17
# writes a different classes.jsa on every run, which would make the tarball and the image differ per build.
set -euo pipefail
# jlink writes a different lib/modules under another locale (e.g. none at all under env -i): fix it.
export LC_ALL=C.UTF-8 TZ=UTC
if [ $# -ne 6 ]; then
  echo "usage: $0 CLI_JAR LAUNCHER OUT_DIR VERSION MODULES LICENSE" >&2
  exit 2
fi
jar=$1 launcher=$2 out=$3 version=$4 modules=$5 license=$6
: "${JAVA_HOME:?JAVA_HOME must name the JDK whose jlink to use}"
[ -f "$jar" ] || { echo "build-dist: $jar not found (build the cli module first)" >&2; exit 1; }
[ -f "$license" ] || { echo "build-dist: $license not found" >&2; exit 1; }
command -v dpkg-query >/dev/null || { echo "build-dist: needs a Debian system (dpkg-query)" >&2; exit 1; }

case "$(uname -m)" in
  x86_64) arch=linux-x86_64 jna_arch=linux-x86-64 zstd_arch=amd64 ;;
  aarch64) arch=linux-aarch64 jna_arch=linux-aarch64 zstd_arch=aarch64 ;;
  *) echo "build-dist: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$(dirname "$0")" log -1 --format=%ct 2>/dev/null || echo 0)}

name=ocisquash-$version
root=$out/$name
rm -rf "$root" "$out/$name-$arch.tar.gz"
mkdir -p "$root/bin" "$root/lib/native" "$root/licenses"

# --compress=0: the tarball's gzip compresses the class files better than jlink's zip (19 vs 24 MB), and the JVM
# starts faster when it need not inflate them.
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 \
  --output "$root/runtime"
# keytool comes with java.base; a CLI that never touches a keystore does not need it.
rm -f "$root/runtime/bin/keytool"

# The jar without the native libraries of other platforms (zstd-jni and JNA carry 30 of them, 9 MB): entries
# are copied as they are, in order, so the result is as reproducible as the input.
python3 - "$jar" "$root/lib/ocisquash.jar" "$zstd_arch" "$jna_arch" <<'PY'
import re, sys, zipfile
src, dst, zstd_arch, jna_arch = sys.argv[1:]
other = re.compile(r"^(?:(?:aix|darwin|freebsd|linux|win)/[^/]+/[^/]*zstd-jni[^/]*"
                   r"|com/sun/jna/[^/]+/[^/]*jnidispatch[^/]*)$")
keep = {f"linux/{zstd_arch}/", f"com/sun/jna/{jna_arch}/"}
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
    for info in zin.infolist():
        if other.match(info.filename) and not any(info.filename.startswith(k) for k in keep):
            continue
        zout.writestr(info, zin.read(info), compress_type=info.compress_type)
PY
cp "$launcher" "$root/bin/ocisquash"
cp "$license" "$root/LICENSE"
chmod 755 "$root/bin/ocisquash"

# JNA's own stub, matching the JNA in the jar; the launcher points jna.boot.library.path at it.
unzip -p "$jar" "com/sun/jna/$jna_arch/libjnidispatch.so" >"$root/lib/native/libjnidispatch.so"
[ -s "$root/lib/native/libjnidispatch.so" ] || { echo "build-dist: no JNA stub for $jna_arch in $jar" >&2; exit 1; }

# package  library file (the SONAME; its symlink target comes along)
natives="libisal2 libisal.so.2
libdeflate0 libdeflate.so.0"
: >"$root/licenses/native-packages.txt"
while read -r pkg soname; do
  file=$(dpkg-query -L "$pkg" 2>/dev/null | grep "/$soname\$" | head -n1) || true
  if [ -z "$file" ] || [ ! -e "$file" ]; then
    echo "build-dist: $soname not found: install the Debian package $pkg (see .ci/install-deps)" >&2
    exit 1
  fi
  cp -P "$file" "$root/lib/native/"
  if [ -L "$file" ]; then
    cp "$(readlink -f "$file")" "$root/lib/native/"
  fi
  cp "/usr/share/doc/$pkg/copyright" "$root/licenses/$pkg.copyright"
  echo "$pkg $(dpkg-query -W -f '${Version}' "$pkg") $soname" >>"$root/licenses/native-packages.txt"
done <<<"$natives"

cat >"$root/licenses/README.txt" <<TXT
ocisquash $version, self-contained distribution for $arch.

LICENSE         ocisquash's license (Apache-2.0).
runtime/        a Java runtime linked by jlink from OpenJDK ($("$JAVA_HOME/bin/java" -version 2>&1 | head -n1));
                its licenses are in runtime/legal/ (GPLv2 with the Classpath Exception).
lib/ocisquash.jar  ocisquash with its Java dependencies: Jackson (Apache-2.0), picocli (Apache-2.0),
                zstd-jni (BSD-2-Clause), JNA (Apache-2.0 or LGPL-2.1); see META-INF/ in the jar.
lib/native/     libjnidispatch.so from the JNA jar; libisal.so.2 (Intel ISA-L, BSD-3-Clause) and
                libdeflate.so.0 (MIT) from the Debian packages in native-packages.txt, with their
                Debian copyright files beside this one.
TXT

# Normalised modes, then a sorted tar owned by root and dated $epoch.
chmod -R u+w,go-w,a+rX "$root"
tar --sort=name --mtime="@$epoch" --clamp-mtime --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$out" -cf - "$name" | gzip -n -9 >"$out/$name-$arch.tar.gz"
echo "build-dist: $out/$name-$arch.tar.gz ($(du -h "$out/$name-$arch.tar.gz" | cut -f1))"
