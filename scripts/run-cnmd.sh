#!/usr/bin/env bash
# Installs the Debian packages cnmd needs, builds it (release) and runs it in the
# foreground with its embedded defaults: socket /run/cnm/cnmd.sock, state in
# /var/lib/cnm, nftables firewall, embedded DNS forwarding to the host's resolvers.
# Extra arguments go to cnmd (e.g. --dns-upstream none, --log-level debug).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product cnmd
swift build -c release --product cnm
exec .build/release/cnmd "$@"
