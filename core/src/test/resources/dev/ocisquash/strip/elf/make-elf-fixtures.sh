#!/bin/sh
# Builds the small ELF files ElfCheckTest reads (checked in beside this script, so the unit tier needs no gcc).
# Run once on Debian 12 x86_64 with gcc 12 (apt-get install gcc libc6-dev) when the test needs new files:
#   sh core/src/test/resources/dev/ocisquash/strip/elf/make-elf-fixtures.sh
# app: NEEDED libfoo.so.1 and libc.so.6, RUNPATH $ORIGIN/../lib; libfoo.so.1.2.3: SONAME libfoo.so.1;
# app2: NEEDED libbar.so.2; libbar.so.2: SONAME libbar.so.2. Stripped (-s): the dynamic section is what is read.
set -eu
out=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
printf 'int foo(void) { return 42; }\n' >foo.c
printf 'int bar(void) { return 7; }\n' >bar.c
printf 'int foo(void);\nint main(void) { return foo() == 42 ? 0 : 1; }\n' >main.c
printf 'int bar(void);\nint main(void) { return bar() == 7 ? 0 : 1; }\n' >main2.c
cc() { gcc -s -Wl,-z,noseparate-code -Wl,--build-id=none "$@"; }
cc -shared -fPIC -o libfoo.so.1.2.3 foo.c -Wl,-soname,libfoo.so.1
ln -sf libfoo.so.1.2.3 libfoo.so.1
ln -sf libfoo.so.1 libfoo.so
cc -o app main.c -L. -lfoo -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
cc -shared -fPIC -o libbar.so.2 bar.c -Wl,-soname,libbar.so.2
cc -o app2 main2.c -L. -l:libbar.so.2
LD_LIBRARY_PATH=. ./app
LD_LIBRARY_PATH=. ./app2
cp app libfoo.so.1.2.3 app2 libbar.so.2 "$out/"
