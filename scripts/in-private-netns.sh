#!/usr/bin/env bash
# Runs a command inside a private network and mount namespace: /run/netns,
# /etc/netns and /run/cnm are fresh tmpfs mounts that vanish with it, and the
# host's links, namespaces and nftables tables are never touched.
# Usage: scripts/in-private-netns.sh COMMAND [ARG...]
set -euo pipefail
exec unshare --net --mount -- sh -c '
  mount --make-rprivate / &&
  mkdir -p /run/netns /etc/netns /run/cnm &&
  mount -t tmpfs tmpfs /run/netns &&
  mount -t tmpfs tmpfs /etc/netns &&
  mount -t tmpfs tmpfs /run/cnm &&
  ip link set lo up &&
  export CNM_PRIVATE_NETNS=1 &&
  exec "$@"' sh "$@"
