#!/usr/bin/env bash
# Measures the standalone functions host's cold start, process start to ready (the first 200 from
# /api/health/ready), with the load tool, against the local stack's PostgreSQL and Redis:
#   1. the published app as containers and Azure run it (ReadyToRun, linux-x64);
#   2. the plain Release build, as infra/run.sh runs it.
#   infra/coldstart.sh [--runs 10]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/infra/stack.sh" up >/dev/null
published="$AGENTLINK_STATE_DIR/coldstart/functions"
step "publishing the functions (Release, ReadyToRun) and building the load tool"
dotnet publish "$REPO_ROOT/functions/AgentLink.Functions" -c Release -r linux-x64 --self-contained false -o "$published" -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build "$REPO_ROOT/functions/AgentLink.Functions" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build "$REPO_ROOT/tests/AgentLink.LoadTest" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
export ASPNETCORE_ENVIRONMENT=Production
export AgentLink__Database__ConnectionString="$AGENTLINK_DB"
export AgentLink__Bus__Redis="$AGENTLINK_REDIS"
export AgentLink__Auth__SigningSecret="cold-start-measurement-secret-0123456789abcdef"
load_tool="$REPO_ROOT/tests/AgentLink.LoadTest/bin/Release/net10.0/AgentLink.LoadTest.dll"
step "published (ReadyToRun)"
dotnet "$load_tool" --cold-start "$published/AgentLink.Functions.dll" "$@"
step "Release build (JIT)"
dotnet "$load_tool" --cold-start "$REPO_ROOT/functions/AgentLink.Functions/bin/Release/net10.0/AgentLink.Functions.dll" "$@"
