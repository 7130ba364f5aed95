#!/usr/bin/env bash
# The one command that runs every test: installs what is missing (Chromium
# included), starts PostgreSQL + Redis, builds, runs all test projects, and ends
# with the line "N passed, N failed, N skipped". Exit code: 0 only when all passed.
#   infra/test.sh [extra dotnet test arguments, e.g. --filter Realtime]
set -uo pipefail
source "$(dirname "$0")/lib.sh"
set -e
"$REPO_ROOT/infra/install.sh" --browser
"$REPO_ROOT/infra/stack.sh" up
"$REPO_ROOT/infra/build.sh" Debug
set +e

log="$AGENTLINK_STATE_DIR/test-output.log"
mkdir -p "$AGENTLINK_STATE_DIR"
cd "$REPO_ROOT"
step "running the tests"
dotnet test AgentLink.sln --no-build -c Debug -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary line per test assembly; add them up.
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- ' "$log" | awk '
  { for (i = 1; i <= NF; i++) { v = $(i+1); gsub(",", "", v);
      if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v } }
  END { printf "%d %d %d\n", p, f, s }')

# The web app's own tests (Vitest) and the check that its generated API types are current;
# skipped when the run was narrowed with dotnet test arguments.
if [ "$#" -eq 0 ]; then
  step "running the web app's tests (Vitest) and the API types check"
  vitest_json="$AGENTLINK_STATE_DIR/vitest.json"
  rm -f "$vitest_json"
  (cd "$REPO_ROOT/web/app" && npx --no-install vitest run --reporter=default --reporter=json --outputFile="$vitest_json")
  web_status=$?
  if [ -f "$vitest_json" ]; then
    # A suite that cannot even load counts as a failure too.
    read -r wp wf < <(node -e 'const r = require(process.argv[1]); console.log(r.numPassedTests || 0, (r.numFailedTests || 0) + (r.numFailedTestSuites || 0))' "$vitest_json")
  else
    wp=0; wf=1
  fi
  if [ "$web_status" -ne 0 ] && [ "$wf" -eq 0 ]; then wf=1; fi
  if "$REPO_ROOT/web/app/scripts/gen-api.sh" --check; then wp=$((wp + 1)); else wf=$((wf + 1)); fi
  passed=$((passed + wp)); failed=$((failed + wf))
  if [ "$wf" -ne 0 ]; then status=1; fi
fi
echo
if [ "$status" -eq 0 ] && [ "$((passed + failed))" -eq 0 ]; then
  echo "no test ran" >&2
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
