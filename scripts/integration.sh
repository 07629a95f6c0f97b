#!/usr/bin/env bash
# npm run test:integration: Ferry's program and promotions on the real Pulumi engine.
# Builds (or reuses) the real CLI and moto's server, then runs the engine tests (test/engine) on the
# compiled tree. The first run on a machine builds the CLI from the Go module proxy (see
# scripts/pulumi-cli.sh for the time and space); later runs reuse both caches.
set -euo pipefail
cd "$(dirname "$0")/.."
FERRY_TEST_PULUMI=$(bash scripts/pulumi-cli.sh)
FERRY_TEST_MOTO_SERVER=$(bash scripts/moto.sh)
export FERRY_TEST_PULUMI FERRY_TEST_MOTO_SERVER
npx tsc -p .
exec npx mocha --config .mocharc.integration.json "$@"
