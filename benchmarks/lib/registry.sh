# shellcheck shell=bash
# Sourced by the benchmark scripts that need a registry on loopback: Debian's docker-registry, listening on a free
# 127.0.0.1 port, with its own storage. Needs python3 (to find a free port) and docker-registry.

# free_port: prints a TCP port free on 127.0.0.1 at the time of asking.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: waits up to 5 s for something to accept connections on 127.0.0.1:PORT.
wait_port() {
  local _
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1 after 5 s" >&2
  return 1
}

# start_loopback_registry DIR: serves a registry whose storage is DIR (its config goes to DIR.yml, its log to
# DIR.log) and waits until it listens; sets REG_PORT and REG_PID (the caller stops it).
start_loopback_registry() {
  REG_PORT=$(free_port)
  printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$1" "$REG_PORT" > "$1.yml"
  docker-registry serve "$1.yml" > "$1.log" 2>&1 &
  REG_PID=$!
  wait_port "$REG_PORT"
}

# insecure_registry HOST:PORT: prints the registries.conf entry that lets skopeo talk plain HTTP to it.
insecure_registry() {
  printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$1"
}
