#!/usr/bin/env bash
# Build Go tools from source, at the versions pinned in deploy/tools.env, into .tools/ (git-ignored). What is
# built is named by the arguments (default: prometheus):
#   prometheus  the Prometheus 3 tier (`make tools`, through deploy/install-tools.sh):
#               .tools/prometheus-3.13.5/{prometheus,promtool}   .tools/alertmanager-0.35.0/{alertmanager,amtool}
#   ruler       Cortex, a ruler with the Mimir ruler API, for tests/test_ruler_cortex.py (`make tools-ruler`):
#               .tools/cortex-1.21.1/cortex
#   anchors     pint and sloth, the tools `make bench` sets ours against (`make tools-anchors`):
#               .tools/pint-0.86.0/pint   .tools/sloth-0.16.0/sloth
# A folder already built at its pinned version is reused at once (its .built stamp names the module version).
# Needs Go (`go` on PATH, or GO=/path/to/go) to build; without it, says what is used instead and exits 0.
#
# Why not `go install module/cmd/x@version`: it refuses modules whose go.mod has replace or exclude directives,
# as Prometheus' has. So each module is fetched with `go mod download -json` and built inside its own directory,
# with GOWORK=off (a go.work of the caller must not reach in). Choices:
# - tag remove_all_sd: no cloud service discovery (the stack scrapes static targets); a much smaller build;
# - no tag builtinassets: Prometheus serves its API but not its web UI (the UI needs a Node build);
# - Alertmanager embeds ui/app/dist, which the module does not contain (it is built by npm): the build runs in a
#   writable copy where ui/app/dist holds a one-page placeholder saying there is no UI; the API is whole;
# - Cortex: the tags of its own Makefile (netgo slicelabels); pint and sloth: no tag;
# - CGO_ENABLED=0, -trimpath, version information in -ldflags (`promtool --version` says 3.13.5), where each
#   project's own build puts it.
# Go's module and build caches (go env GOMODCACHE GOCACHE) live outside the repository and make a rebuild fast.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools.env
. "$root/deploy/tools.env"
tools=${GENERATOR_TOOLS_DIR:-$root/.tools}
go=$(command -v "${GO:-go}" || true)
# The machines are shared: every go command runs at the lowest priority (GO_NICE=0 for full speed).
run_go() { GOWORK=off CGO_ENABLED=0 nice -n "${GO_NICE:-19}" "$go" "$@"; }

where() { case $1 in "$root"/*) echo "${1#"$root"/}" ;; *) echo "$1" ;; esac; }

# v0.313.5 -> 3.13.5 (Prometheus' Go module numbers 3.M as 0.3MM); v0.35.0 -> 0.35.0 (the others).
release_of() {
  local v=${2#v}
  if [ "$1" = prometheus ]; then
    IFS=. read -r _ minor patch <<<"$v"
    echo "3.$((10#$minor - 300)).$patch"
  else
    echo "$v"
  fi
}

module_dir() {  # fetch MODULE@VERSION into Go's module cache (a no-op when there), print its directory
  local json
  json=$(run_go mod download -json "$1@$2") || { echo "build-tools: cannot download $1@$2" >&2; return 1; }
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json"
}

# build NAME MODULE VERSION PACKAGE... : one tier directory, NAME-RELEASE, built whole or not at all.
build() {
  local name=$1 module=$2 version=$3
  shift 3
  local release dest stamp
  release=$(release_of "$name" "$version")
  dest="$tools/$name-$release"
  stamp="$module@$version tags=${TAGS[$name]:-}"
  if [ -f "$dest/.built" ] && [ "$(head -n 1 "$dest/.built")" = "$stamp" ]; then
    local missing=0 pkg
    for pkg in "$@"; do [ -x "$dest/$(basename "$pkg")" ] || missing=1; done
    if [ $missing -eq 0 ]; then
      echo "$name $release: reused $(where "$dest")"
      return 0
    fi
  fi
  if [ -z "$go" ]; then
    no_go=1
    return 0
  fi
  local began=$SECONDS src
  src=$(module_dir "$module" "$version")
  [ -n "$src" ] || { echo "build-tools: no directory for $module@$version" >&2; return 1; }
  mkdir -p "$tools"
  work=$(mktemp -d "$tools/.build-$name.XXXXXX")
  if [ "$name" = alertmanager ]; then
    # A writable copy at a fixed path (so that Go's build cache hits on a rebuild), with the placeholder UI.
    local copy="$tools/.src/$name@$version"
    if [ ! -f "$copy/.complete" ]; then
      rm -rf "$copy" && mkdir -p "$tools/.src" && cp -R "$src" "$copy" && chmod -R u+w "$copy"
      for ui in elm mantine; do
        mkdir -p "$copy/ui/app/dist/$ui"
        printf '%s\n' "<!doctype html><title>Alertmanager $release</title><p>Built by this project's" \
          "<code>make tools</code> without its web UI (the Go module does not contain ui/app/dist)." \
          "The API is whole: <a href=\"/api/v2/status\">/api/v2/status</a>." >"$copy/ui/app/dist/$ui/index.html"
      done
      touch "$copy/.complete"
    fi
    src=$copy
  fi
  local ldflags="-s -w"
  case $name in
    prometheus | alertmanager)
      for kv in "Version=$release" "Revision=$version" "Branch=module" "BuildUser=make-tools"; do
        ldflags+=" -X github.com/prometheus/common/version.$kv"
      done ;;
    cortex) ldflags+=" -X main.Version=$release -X main.Revision=$version -X main.Branch=module" ;;
    pint) ldflags+=" -X main.version=$release -X main.commit=$version" ;;
    sloth) ldflags+=" -X github.com/slok/sloth/internal/info.Version=$version" ;;
  esac
  echo "$name $release: building $module@$version from source (Go's caches make the next build fast)..."
  mkdir -p "$work/bin"
  # A cold build downloads a few hundred modules: Go's "go: downloading" lines are left out.
  (cd "$src" && run_go build -buildvcs=false -trimpath -tags "netgo ${TAGS[$name]:-}" -ldflags "$ldflags" \
    -o "$work/bin/" "$@") 2> >(grep -v '^go: downloading ' >&2)
  printf '%s\nbuilt with %s on %s in %d s\n' "$stamp" "$("$go" env GOVERSION)" "$(date -u +%FT%TZ)" \
    $((SECONDS - began)) >"$work/bin/.built"
  rm -rf "$dest"
  mv "$work/bin" "$dest"
  rm -rf "$work"
  echo "$name $release: built in $((SECONDS - began)) s into $(where "$dest")"
}

work=""
trap 'rm -rf "$work"' EXIT  # a build that fails or is interrupted leaves no half-built tier
no_go=0
declare -A TAGS=([prometheus]=remove_all_sd [alertmanager]= [cortex]=slicelabels [pint]= [sloth]=)
[ $# -gt 0 ] || set -- prometheus
for what in "$@"; do
  case $what in
    prometheus | ruler | anchors) ;;
    *) echo "build-tools: unknown set $what (say prometheus, ruler or anchors)" >&2; exit 2 ;;
  esac
done
for what in "$@"; do
  no_go=0
  case $what in
    prometheus)
      build prometheus "$PROMETHEUS_MODULE" "$PROMETHEUS_MODULE_VERSION" ./cmd/prometheus ./cmd/promtool
      build alertmanager "$ALERTMANAGER_MODULE" "$ALERTMANAGER_MODULE_VERSION" ./cmd/alertmanager ./cmd/amtool ;;
    ruler) build cortex "$CORTEX_MODULE" "$CORTEX_MODULE_VERSION" ./cmd/cortex ;;
    anchors)
      build pint "$PINT_MODULE" "$PINT_MODULE_VERSION" ./cmd/pint
      build sloth "$SLOTH_MODULE" "$SLOTH_MODULE_VERSION" ./cmd/sloth ;;
  esac
  [ $no_go -eq 1 ] || continue
  # Not an error: a laptop without Go works without them, and the tests and make bench say what they leave out.
  case $what in
    prometheus)
      cat >&2 <<'EOF'
make tools: no Go toolchain here (`go` on PATH, or GO=/path/to/go), so the Prometheus 3 tier is not built and
  only Prometheus 2 (Debian's packages) is used: `make test-rules` runs every scenario on promtool 2 alone, the
  live tests run on Prometheus 2, and the tests that prove Prometheus 3 are skipped, each saying why. To add the
  Prometheus 3 tier, install Go (https://go.dev/dl/) and run `make tools` again, or set PROMTOOL3, PROMETHEUS3,
  ALERTMANAGER3 and AMTOOL3 to a Prometheus 3 and an Alertmanager of your own.
EOF
      ;;
    ruler)
      cat >&2 <<'EOF'
make tools-ruler: no Go toolchain here (`go` on PATH, or GO=/path/to/go), so Cortex is not built: the test that
  starts it (tests/test_ruler_cortex.py) is skipped, saying so. Set CORTEX to a Cortex of your own, or run the
  ruler suite against any ruler: RULER_URL=... RULER_TENANT=... make test-ruler.
EOF
      ;;
    anchors)
      cat >&2 <<'EOF'
make tools-anchors: no Go toolchain here (`go` on PATH, or GO=/path/to/go), so pint and sloth are not built:
  `make bench` leaves their rows out and says so. Set PINT and SLOTH to binaries of your own.
EOF
      ;;
  esac
done
