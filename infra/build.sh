#!/usr/bin/env bash
# Builds everything: the web app (React + Vite, into the web host's wwwroot) and the .NET solution.
#   infra/build.sh [Debug|Release]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
configuration=${1:-Release}

step "building the web app (React, Vite)"
cd "$REPO_ROOT/web/app"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
npm run --silent build -- --logLevel warn

step "building the .NET solution ($configuration)"
cd "$REPO_ROOT"
dotnet build AgentLink.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly
ok "build done"
