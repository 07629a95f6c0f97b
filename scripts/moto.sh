#!/usr/bin/env bash
# The AWS emulator for the engine tests (npm run test:integration): moto's server, installed with pip
# into a virtual environment outside the checkout and reused while test/engine/requirements.txt (the
# pinned moto[server] and everything it pulls in) is unchanged. Prints the path of `moto_server`.
# Needs python3 with venv (Debian: python3-venv); about 30 s and 320 MB the first time.
#
#   FERRY_CACHE_DIR  where the environment is kept (default ~/.cache/ferry)
set -euo pipefail
cd "$(dirname "$0")/.."
REQS=test/engine/requirements.txt
KEY=$(sha256sum "$REQS" | cut -c1-12)
VENV="${FERRY_CACHE_DIR:-$HOME/.cache/ferry}/moto-$KEY"
# `.complete` is written last, so an interrupted install is redone, not reused.
if [ ! -f "$VENV/.complete" ]; then
  echo "moto: installing into $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQS" >&2
  touch "$VENV/.complete"
fi
echo "$VENV/bin/moto_server"
