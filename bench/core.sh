#!/usr/bin/env bash
# In-process attach/detach benchmark of the controller next to iproute2, in a
# private network namespace. Usage: bench/core.sh [N=200] [--firewall]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product cnm-bench-core >/dev/null
exec scripts/in-private-netns.sh .build/release/cnm-bench-core "$@"
