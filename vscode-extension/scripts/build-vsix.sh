#!/usr/bin/env bash
# Build the VS Code extension package with the language server and its Python dependencies inside.
#   bash vscode-extension/scripts/build-vsix.sh [TARGET]      TARGET: linux-x64 (default), linux-arm64,
#                                                              darwin-x64, darwin-arm64, win32-x64
# Needs Node >= 20 with npm, and a Python >= 3.10 with pip (PYTHON=..., default python3) to fetch the wheels.
# Output: vscode-extension/alembic-ls-TARGET.vsix
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-linux-x64}"
python="${PYTHON:-python3}"

npm ci --no-audit --no-fund --loglevel=error
"$python" scripts/bundle_server.py "$target"
npx tsc -p . --noEmit
node scripts/esbuild.mjs --minify
# Bytecode written by any earlier run of the bundled server (vsce cannot exclude it below a re-included folder).
find bundled -name __pycache__ -type d -prune -exec rm -rf {} +
npx vsce package --target "$target" --no-dependencies --allow-missing-repository --out "alembic-ls-$target.vsix"
