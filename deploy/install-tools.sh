#!/usr/bin/env bash
# Install Prometheus' own tools (promtool, prometheus, alertmanager, amtool) and node_exporter from Debian's packages
# when missing.
# Used by `make tools`, which `make test` runs first. Needs root or sudo on Debian/Ubuntu.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
# Debian names the Alertmanager binary prometheus-alertmanager; `make up` and the live tests accept either name.
command -v alertmanager >/dev/null 2>&1 || command -v prometheus-alertmanager >/dev/null 2>&1 \
  || { [[ " ${missing[*]} " == *" prometheus-alertmanager "* ]] || missing+=(prometheus-alertmanager); }
# node_exporter: a real exporter `catalog-import` is proven on (tests/test_catalog_import.py).
command -v prometheus-node-exporter >/dev/null 2>&1 || command -v node_exporter >/dev/null 2>&1 \
  || missing+=(prometheus-node-exporter)
[ ${#missing[@]} -eq 0 ] && exit 0

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
