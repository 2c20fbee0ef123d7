#!/usr/bin/env bash
# Regenerates the Swift message types of the cnm API (clients/swift/Sources/CNMAPI/Generated)
# from proto-json/cnm/v1/*.proto, with protoc and the protoc-gen-swift of the swift-protobuf
# version pinned by clients/swift. Run from anywhere; needs protoc (Debian protobuf-compiler)
# and the protobuf well-known types (Debian libprotobuf-dev).
# Usage: scripts/generate-api.sh [--check]   (--check: fail if the committed files are stale)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/clients/swift/Sources/CNMAPI/Generated"
scratch="$root/.build-protogen"
check=false
[[ "${1:-}" == "--check" ]] && check=true

command -v protoc >/dev/null || { echo "generate-api: protoc not found (apt-get install protobuf-compiler libprotobuf-dev)" >&2; exit 1; }

# One Swift build at a time on shared machines (see notes/COMMON.md); the lock is optional.
build=(swift build -c release --product protoc-gen-swift --package-path "$root/clients/swift" --scratch-path "$scratch")
if [[ -e /work/.swift-build.lock ]]; then
    flock /work/.swift-build.lock "${build[@]}" >&2
else
    "${build[@]}" >&2
fi
plugin="$(swift build -c release --package-path "$root/clients/swift" --scratch-path "$scratch" --show-bin-path)/protoc-gen-swift"

target="$out"
if $check; then target="$(mktemp -d)"; trap 'rm -rf "$target"' EXIT; fi
mkdir -p "$target"
rm -f "$target"/*.pb.swift
protoc -I "$root/proto-json" \
    --plugin=protoc-gen-swift="$plugin" \
    --swift_out="$target" \
    --swift_opt=Visibility=Public \
    --swift_opt=FileNaming=PathToUnderscores \
    "$root"/proto-json/cnm/v1/*.proto

if $check; then
    if diff -r "$target" "$out" >&2; then
        echo "generate-api: generated Swift types are up to date"
    else
        echo "generate-api: clients/swift/Sources/CNMAPI/Generated is stale; run scripts/generate-api.sh" >&2
        exit 1
    fi
else
    echo "generate-api: wrote $(ls "$out" | wc -l) files to ${out#"$root"/}"
fi
