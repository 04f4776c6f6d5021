#!/usr/bin/env bash
# libdeflate-cpu-check.sh [INPUT]: do libdeflate's compressed bytes depend on the CPU?
#
# Compiles a small C program against the installed libdeflate.so.0 (Debian libdeflate0; no -dev package needed)
# that compresses its stdin in 1 MiB pieces with libdeflate_deflate_compress, as LibdeflateMemberCompressor does,
# and prints the SHA-256 of the output for levels 1, 4 (the default), 6, 9 and 12, natively and under qemu-x86_64
# with older CPU models (Debian qemu-user-static): qemu64 (SSE2 only), Nehalem (SSE4.2), SandyBridge (AVX),
# Haswell (AVX2).
# Every line of a level must show the same hash. Needs gcc, libdeflate0, qemu-user-static.
set -euo pipefail
IN=${1:-}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
if [ -z "$IN" ]; then
  IN=$W/in.tar
  tar -cf - /usr/lib/x86_64-linux-gnu /usr/share/doc 2>/dev/null | head -c 30000000 > "$IN" || true
fi
cat > "$W/ld.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
struct libdeflate_compressor;
struct libdeflate_compressor *libdeflate_alloc_compressor(int);
size_t libdeflate_deflate_compress(struct libdeflate_compressor *, const void *, size_t, void *, size_t);
size_t libdeflate_deflate_compress_bound(struct libdeflate_compressor *, size_t);
int main(int argc, char **argv) {
  size_t m = 1 << 20, n;
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(atoi(argv[1]));
  unsigned char *in = malloc(m);
  size_t cap = libdeflate_deflate_compress_bound(c, m);
  unsigned char *out = malloc(cap);
  while ((n = fread(in, 1, m, stdin)) > 0) {
    fwrite(out, 1, libdeflate_deflate_compress(c, in, n, out, cap), stdout);
  }
  return 0;
}
C
LIB=$(ldconfig -p | awk '/libdeflate\.so\.0 / {print $NF; exit}')
gcc -O2 -o "$W/ld" "$W/ld.c" "$LIB"
echo "input $(wc -c < "$IN") bytes; native CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for level in 1 4 6 9 12; do
  echo "level $level native      $("$W/ld" $level < "$IN" | sha256sum | cut -c1-16)"
  for cpu in qemu64 Nehalem SandyBridge Haswell; do
    printf 'level %s %-12s %s\n' "$level" "$cpu" \
      "$(qemu-x86_64-static -cpu $cpu "$W/ld" $level < "$IN" 2>/dev/null | sha256sum | cut -c1-16)"
  done
done
