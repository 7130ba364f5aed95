#!/usr/bin/env bash
# Regenerates the typed API client's schema from the functions' OpenAPI document:
#   openapi.json          the document, written by `AgentLink.Functions openapi`
#   src/api/schema.d.ts   its TypeScript types (openapi-typescript)
#   scripts/gen-api.sh            regenerate both (builds the functions project)
#   scripts/gen-api.sh --check    fail when either is stale (run by the test command)
set -euo pipefail
app="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$app/../.." && pwd)"
check=false; [ "${1:-}" = "--check" ] && check=true

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
dll="$repo/functions/AgentLink.Functions/bin/Debug/net10.0/AgentLink.Functions.dll"
if [ ! -f "$dll" ] || ! $check; then
  dotnet build "$repo/functions/AgentLink.Functions" -c Debug -nologo -v q -clp:ErrorsOnly >/dev/null
fi
dotnet "$dll" openapi "$work/openapi.json" 2>/dev/null
(cd "$app" && npx --no-install openapi-typescript "$work/openapi.json" -o "$work/schema.d.ts" --silent)

if $check; then
  stale=()
  cmp -s "$work/openapi.json" "$app/openapi.json" || stale+=(openapi.json)
  cmp -s "$work/schema.d.ts" "$app/src/api/schema.d.ts" || stale+=(src/api/schema.d.ts)
  if [ ${#stale[@]} -gt 0 ]; then
    echo "stale: ${stale[*]} (the API changed): run web/app/scripts/gen-api.sh and commit" >&2
    exit 1
  fi
  echo "API types are current"
else
  mkdir -p "$app/src/api"
  cp "$work/openapi.json" "$app/openapi.json"
  cp "$work/schema.d.ts" "$app/src/api/schema.d.ts"
  echo "wrote openapi.json and src/api/schema.d.ts"
fi
