#!/usr/bin/env bash
# usage: with-dockerd.sh COMMAND [ARG...]
# Runs COMMAND with DOCKER_HOST pointing at a private Docker daemon (Debian docker.io, run as root), started for
# this call only: its own data root, exec root and socket under a temporary directory, the vfs storage driver, no
# iptables and no bridge (so containers need --network none or host). The daemon is stopped by its pid file and
# the directory removed afterwards, whatever COMMAND returns; its exit status is returned. Use /usr/bin/docker,
# the Debian client that matches the daemon.
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
d=$(mktemp -d /tmp/with-dockerd.XXXXXX)
stop() {
  if [ -f "$d/pid" ]; then
    pid=$(cat "$d/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$d" 2>/dev/null || true
}
trap stop EXIT
/usr/sbin/dockerd --data-root "$d/root" --exec-root "$d/exec" --pidfile "$d/pid" -H "unix://$d/sock" \
  --storage-driver vfs --iptables=false --ip6tables=false --bridge=none >"$d/log" 2>&1 &
for _ in $(seq 1 150); do
  if /usr/bin/docker -H "unix://$d/sock" version >/dev/null 2>&1; then
    DOCKER_HOST="unix://$d/sock" "$@"
    exit $?
  fi
  if ! kill -0 $! 2>/dev/null; then break; fi
  sleep 0.2
done
echo "with-dockerd: the daemon did not start; its log:" >&2
cat "$d/log" >&2
exit 1
