#!/usr/bin/env bash
# Runs the README's first command, exactly as written, on a fresh Debian 12 system (debootstrap --variant=minbase:
# no JDK, no sudo, no Maven, an empty ~/.m2), twice: as root without sudo, then as a fresh user who has sudo.
# Usage (as root, with debootstrap and network to the Debian mirror and Maven Central):
#   testdata/tools/readme-fresh-debian.sh REPO WORKDIR
# REPO is a git checkout (its committed HEAD is cloned into the new system); WORKDIR receives the rootfs.
# Exit 0 iff both runs succeed and each wrote the squashed image; prints what each run printed.
set -euo pipefail
repo=$(cd "$1" && pwd)
work=$2
root="$work/rootfs"
mkdir -p "$work"

# The first fenced sh line of the README that runs the main job (it ends in the sample squash).
cmd=$(sed -n '/^```sh$/,/^```$/p' "$repo/README.md" | grep -m1 'busybox-sample.tar')
[ -n "$cmd" ] || { echo "readme-fresh-debian: no command squashing the sample in $repo/README.md" >&2; exit 1; }
echo "README command: $cmd"

if [ ! -x "$root/bin/sh" ]; then
  debootstrap --variant=minbase bookworm "$root" >"$work/debootstrap.log" 2>&1 \
    || { tail -5 "$work/debootstrap.log" >&2; exit 1; }
fi
cleanup() {
  for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This machine's own network set-up, not the README's: where outgoing TLS goes through an intercepting proxy, the
# host trusts its CA from /usr/local/share/ca-certificates, and so must the new system (Debian's ca-certificates and
# ca-certificates-java pick these up when scripts/setup installs the JDK), as on any machine behind such a proxy.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
if chroot "$root" sh -c 'command -v sudo || command -v java || command -v javac' >/dev/null 2>&1; then
  echo "readme-fresh-debian: $root is not fresh (sudo or a JDK is already there)" >&2
  exit 1
fi

# Root, no sudo: clone the repo's committed HEAD into root's home and run the command there.
rm -rf "$root/root/ocisquash"
git clone -q "$repo" "$root/root/ocisquash"
echo "== as root, no sudo"
chroot "$root" env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  sh -c "cd /root/ocisquash && $cmd"
chroot "$root" test -s /tmp/squashed.tar
rm -f "$root/tmp/squashed.tar"

# A user with sudo (sudo is what such a user has; installing it is the admin's step, not the README's).
chroot "$root" sh -c 'apt-get install -y -qq --no-install-recommends sudo >/dev/null \
  && (id dev >/dev/null 2>&1 || useradd -m -s /bin/sh dev) \
  && echo "dev ALL=(ALL) NOPASSWD:ALL" >/etc/sudoers.d/dev'
rm -rf "$root/home/dev/ocisquash"
git clone -q "$repo" "$root/home/dev/ocisquash"
chroot "$root" chown -R dev:dev /home/dev/ocisquash
# The user's Maven repository starts as a copy of what the root run downloaded, to spare the second download.
rm -rf "$root/home/dev/.m2" && cp -a "$root/root/.m2" "$root/home/dev/.m2" && chroot "$root" chown -R dev:dev /home/dev/.m2
echo "== as user dev, with sudo"
chroot "$root" env -i HOME=/home/dev USER=dev PATH=/usr/local/bin:/usr/bin:/bin \
  setpriv --reuid=dev --regid=dev --init-groups sh -c "cd /home/dev/ocisquash && $cmd"
chroot "$root" test -s /tmp/squashed.tar
echo "readme-fresh-debian: both runs succeeded"
