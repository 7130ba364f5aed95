#!/usr/bin/env bash
# Builds everything: the web app (React + Vite, into the web host's wwwroot) and the .NET solution.
#   infra/build.sh [Debug|Release]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
configuration=${1:-Release}

step "building the web app (React, Vite)"
# Vite 8 needs Node.js 20.19 or newer (Debian 12's own nodejs package is 18).
node_version=$(node --version 2>/dev/null | tr -d v)
if ! printf '%s\n%s\n' 20.19.0 "${node_version:-0}" | sort -V -C; then
  die "Node.js ${node_version:-(none)} is too old for the web app's build: install Node.js 20.19 or newer (for example from NodeSource) and run again"
fi
cd "$REPO_ROOT/web/app"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
npm run --silent build -- --logLevel warn

step "building the .NET solution ($configuration)"
cd "$REPO_ROOT"
dotnet build AgentLink.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly
ok "build done"
