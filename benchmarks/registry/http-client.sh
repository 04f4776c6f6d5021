#!/bin/bash
# The registry HTTP clients compared as core/pom.xml reports: a 100 MiB download over loopback, the first of a fresh
# JVM, through Apache HttpClient 5 (HttpTransport, from core/target/classes: build core first) and through the
# socket-level client it replaced (HttpConnections, compiled from git history, commit 2ebb50d). RUNS pairs (default 5),
# alternating; prints wall seconds of each download and the JVM's user+sys CPU seconds.
#   benchmarks/registry/http-client.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
src=benchmarks/registry/http-client
mkdir -p "$work/old/dev/ocisquash/registry" "$work/oldc" "$work/newc"
for f in HttpConnection HttpConnections HttpReply; do
  git show "2ebb50d:core/src/main/java/dev/ocisquash/registry/$f.java" > "$work/old/dev/ocisquash/registry/$f.java"
done
javac -d "$work/oldc" "$work"/old/dev/ocisquash/registry/*.java "$src/Sockets.java" "$src/Bench.java"
cp=$(cd core && ../mvnw -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
javac -d "$work/newc" -cp "core/target/classes:$cp" "$src/Apache.java" "$src/Bench.java"
port=$((20000 + RANDOM % 20000))
python3 "$src/serve.py" "$port" & server=$!
sleep 1
url="http://127.0.0.1:$port/blob"
for i in $(seq "$runs"); do
  for c in sockets apache; do
    if [ $c = sockets ]; then classpath="$work/oldc"; else classpath="$work/newc:core/target/classes:$cp"; fi
    /usr/bin/time -f "$c cpu %U+%S s" java -cp "$classpath" dev.ocisquash.registry.Bench "$url" 2>&1 \
      | grep -v '^SLF4J' | sed "s/^[0-9]* bytes in/$c download/"
  done
done
