#!/usr/bin/env bash
# Build the VS Code extension packages, one per platform, each with the language server and the Python packages
# it imports for that platform (for CPython 3.10-3.14).
#   bash vscode-extension/scripts/build-vsix.sh [TARGET ...]   TARGET: linux-x64, linux-arm64, darwin-x64,
#                                                             darwin-arm64, win32-x64 (default: all five)
# Needs Node >= 20 with npm, and a Python >= 3.10 with pip (PYTHON=..., default python3) to fetch the wheels.
# Output: vscode-extension/alembic-ls-TARGET.vsix; scripts/audit_vsix.py checks them (tests/packaging runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
if [ "$#" -eq 0 ]; then
  set -- linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64
fi

npm ci --no-audit --no-fund --loglevel=error
repo_url="$(node -p "require('./package.json').repository.url.replace(/\\.git\$/, '')")"
npx tsc -p . --noEmit
node scripts/esbuild.mjs --minify
for target in "$@"; do
  "$python" scripts/bundle_server.py "$target"
  # Bytecode written by any earlier run of the bundled server (vsce cannot exclude it below a re-included folder).
  find bundled -name __pycache__ -type d -prune -exec rm -rf {} +
  # README links and images relative to this folder, as the repository serves them (vsce ignores
  # package.json's repository.directory and would drop the folder from the URLs).
  npx vsce package --target "$target" --no-dependencies --out "alembic-ls-$target.vsix" \
    --baseContentUrl "$repo_url/blob/HEAD/vscode-extension" --baseImagesUrl "$repo_url/raw/HEAD/vscode-extension"
done
