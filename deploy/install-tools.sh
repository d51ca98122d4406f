#!/usr/bin/env bash
# Prometheus' own tools (promtool, prometheus, alertmanager, amtool) in two tiers, one per major version:
# - 2: Debian's packages (Prometheus 2.42, Alertmanager 0.25) and node_exporter, installed when missing (needs
#   root or sudo on Debian/Ubuntu);
# - 3: Prometheus 3 and Alertmanager built from source by deploy/build-tools.sh, at the versions of
#   deploy/tools.env, into .tools/ (needs Go; reused at once when already built).
# Used by `make tools`, which `make test` runs first. The engine finds both through generator/tools.py.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

debian() {
  local missing=()
  command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
  command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  # Debian names the Alertmanager binary prometheus-alertmanager; `make up` and the live tests accept either name.
  command -v alertmanager >/dev/null 2>&1 || command -v prometheus-alertmanager >/dev/null 2>&1 \
    || { [[ " ${missing[*]} " == *" prometheus-alertmanager "* ]] || missing+=(prometheus-alertmanager); }
  # node_exporter: a real exporter `catalog-import` is proven on (tests/test_catalog_import.py).
  command -v prometheus-node-exporter >/dev/null 2>&1 || command -v node_exporter >/dev/null 2>&1 \
    || missing+=(prometheus-node-exporter)
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "error: ${missing[*]} missing and neither root nor sudo available; install them with your package manager" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: ${missing[*]} missing; install Prometheus' promtool and Alertmanager's amtool (no apt-get here)" >&2
    exit 1
  fi
  echo "installing ${missing[*]} from Debian's packages (for promtool, prometheus, alertmanager, amtool)..."
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # The packages try to start their services; where no init system runs that fails harmlessly (policy-rc.d).
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  command -v promtool >/dev/null && echo "promtool: $(promtool --version 2>&1 | head -n 1)"
}

debian

# Tier 3: binaries of your own (all four variables set), or a build from source (which needs Go).
if [ -n "${PROMTOOL3:-}" ] && [ -n "${PROMETHEUS3:-}" ] && [ -n "${ALERTMANAGER3:-}" ] && [ -n "${AMTOOL3:-}" ]; then
  echo "Prometheus 3 tier: PROMTOOL3, PROMETHEUS3, ALERTMANAGER3 and AMTOOL3 are set; nothing to build"
else
  "$here/build-tools.sh"
fi
