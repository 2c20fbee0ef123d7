#!/usr/bin/env bash
# Installs the Debian packages cnm needs to build, run and test (idempotent).
set -euo pipefail
packages=(
  libnl-3-dev libnl-route-3-dev libnftables-dev libsqlite3-dev
  iproute2 nftables iputils-ping nghttp2-client dnsutils curl openssl procps util-linux
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
