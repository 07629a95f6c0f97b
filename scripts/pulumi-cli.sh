#!/usr/bin/env bash
# The real Pulumi CLI for the engine tests (npm run test:integration), printed as a path on stdout.
#
# A `pulumi` on PATH of a supported version wins. Otherwise the CLI is built from the Go module proxy
# (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) into a cache outside the checkout and reused while the
# version matches: ${FERRY_CACHE_DIR:-~/.cache/ferry}/pulumi-v<version>/pulumi. The first build
# downloads 1.5 GB of modules and compiles (19 minutes on two cores here, beside other work); later runs take
# no time. Progress goes to stderr.
#
#   FERRY_PULUMI_VERSION  the version to build (default 3.274.1, the newest the proxy serves here)
#   FERRY_CACHE_DIR       where builds are kept
set -euo pipefail

VERSION="${FERRY_PULUMI_VERSION:-3.274.1}"
MIN_VERSION="3.211.0" # MIN_PULUMI_VERSION in automation/adapters/pulumiCli.ts: stack tags on every backend hold the lease
CACHE="${FERRY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}"
DIR="$CACHE/pulumi-v$VERSION"
BIN="$DIR/pulumi"

say() { echo "pulumi-cli: $*" >&2; }

# version_ge A B: A >= B for x.y.z versions.
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

if [ "${FERRY_PULUMI_BUILD_ONLY:-}" != "1" ] && command -v pulumi >/dev/null 2>&1; then
  have="$(pulumi version 2>/dev/null | sed 's/^v//')"
  if [ -n "$have" ] && version_ge "$have" "$MIN_VERSION"; then
    say "using pulumi $have from PATH"
    command -v pulumi
    exit 0
  fi
  say "ignoring pulumi ${have:-of unknown version} on PATH (need $MIN_VERSION or newer)"
fi

if [ -x "$BIN" ] && [ "$("$BIN" version 2>/dev/null)" = "v$VERSION" ]; then
  say "using the cached build $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || { say "Go is needed to build the Pulumi CLI (https://go.dev/dl/)"; exit 1; }
say "building pulumi v$VERSION from the Go module proxy into $DIR (first time only: about 20 minutes)"
mkdir -p "$DIR/src"
cd "$DIR/src"
cat > go.mod <<EOF
module ferry.local/pulumi-cli

go 1.24
EOF
# The version is stamped in: without it `pulumi version` prints nothing and the Automation API refuses the CLI.
GOFLAGS="${GOFLAGS:-} -mod=mod" go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$VERSION" >&2
go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION" \
  -o "$BIN.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
mv "$BIN.tmp" "$BIN"
say "built $("$BIN" version)"
echo "$BIN"
