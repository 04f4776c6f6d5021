#!/usr/bin/env bash
# Runs the shell parts of docs/ci.md (taken out by ci-snippets.py) on the sample image, each in a fresh directory
# holding the files a pipeline would have there: app.tar, api.tar, worker.tar and frontend.tar (all the sample),
# and list.txt naming the last three. Then checks that each part wrote what it should, and that skopeo reads every
# image it wrote.
#   host parts: bash -eu in that directory, the distribution's bin/ first on PATH, /usr/bin/docker as docker,
#               OCISQUASH_IMAGE naming the loaded image of ocisquash;
#   image parts: /bin/sh -eu inside the image of ocisquash, the directory mounted at /workspace and /images.
# Needs DOCKER_HOST (run it under with-dockerd.sh).
#
# usage: test-ci-snippets.sh DOC IMAGE_ARCHIVE IMAGE_NAME DIST_HOME SAMPLE
set -euo pipefail
if [ $# -ne 5 ]; then
  echo "usage: $0 DOC IMAGE_ARCHIVE IMAGE_NAME DIST_HOME SAMPLE" >&2
  exit 2
fi
doc=$1 archive=$2 image=$3 dist=$(cd "$4" && pwd) sample=$5
here=$(cd "$(dirname "$0")" && pwd)
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir "$w/parts" "$w/bin"
ln -s /usr/bin/docker "$w/bin/docker"
/usr/bin/docker load -i "$archive" >/dev/null

# What each part must leave behind. A part without a line here fails, so a new snippet comes with its check.
expected() {
  case $1 in
    github-docker) echo "app-squashed.tar strip.json" ;;
    github-tarball) echo "app-squashed.tar" ;;
    github-matrix) echo "api-squashed.tar" ;;
    gitlab) echo "app-squashed.tar strip.json analysis.json" ;;
    gitlab-matrix) echo "api-squashed.tar" ;;
    tekton) echo "squashed-app.tar" ;;
    k8s-indexed-job) echo "worker-squashed.tar" ;;
    *) return 1 ;;
  esac
}

failed=0
for name in $(python3 "$here/ci-snippets.py" "$doc" "$w/parts"); do
  want=$(expected "$name") || { echo "FAIL $name: no expected outputs listed in $0" >&2; failed=1; continue; }
  d=$w/run-$name
  mkdir "$d"
  for f in app api worker frontend; do cp "$sample" "$d/$f.tar"; done
  printf 'api\nworker\nfrontend\n' >"$d/list.txt"
  mode=$(head -n1 "$w/parts/$name.env")
  vars=$(tail -n +2 "$w/parts/$name.env")
  status=0 ok=1
  if [ "$mode" = host ]; then
    # shellcheck disable=SC2086 # VAR=VALUE words on purpose
    (cd "$d" && env $vars OCISQUASH_IMAGE="$image" PATH="$w/bin:$dist/bin:$PATH" bash -eu "$w/parts/$name.sh") \
      >"$w/$name.log" 2>&1 || status=$?
  else
    envs=()
    for v in $vars; do envs+=(-e "$v"); done
    /usr/bin/docker run --rm --network none -v "$d:/workspace" -v "$d:/images" "${envs[@]}" \
      --entrypoint /bin/sh "$image" -euc "$(cat "$w/parts/$name.sh")" >"$w/$name.log" 2>&1 || status=$?
  fi
  if [ "$status" -ne 0 ]; then
    echo "FAIL $name: exit $status" >&2
    cat "$w/$name.log" >&2
    failed=1
    continue
  fi
  for f in $want; do
    if [ ! -s "$d/$f" ]; then
      echo "FAIL $name: wrote no $f" >&2
      cat "$w/$name.log" >&2
      ok=0
    elif [ "${f%.tar}" != "$f" ] &&
      ! skopeo inspect --raw "docker-archive:$d/$f" >/dev/null 2>&1 &&
      ! skopeo inspect --raw "oci-archive:$d/$f" >/dev/null 2>&1; then
      echo "FAIL $name: skopeo cannot read $f" >&2
      ok=0
    fi
  done
  if [ "$ok" = 1 ]; then echo "ok $name ($mode): $want"; else failed=1; fi
done
exit "$failed"
