#!/usr/bin/env bash
# The one command that sets up and starts the whole stack on this machine:
# installs what is missing, starts PostgreSQL + Redis (+ Mosquitto, idle unless
# configured), migrates, builds, starts the functions host, the MQTT bridge (with its
# embedded broker), the web app and the demo agent, and prints where to open it.
#   infra/run.sh          start (again: restarts the app processes)
#   infra/run.sh stop     stop everything it started
#   infra/run.sh status
set -euo pipefail
source "$(dirname "$0")/lib.sh"

run_dir="$AGENTLINK_STATE_DIR/run"
functions_dll="$REPO_ROOT/functions/AgentLink.Functions/bin/Release/net10.0/AgentLink.Functions.dll"
web_dll="$REPO_ROOT/web/AgentLink.Web/bin/Release/net10.0/AgentLink.Web.dll"
bridge_dll="$REPO_ROOT/mqtt-bridge/AgentLink.MqttBridge/bin/Release/net10.0/AgentLink.MqttBridge.dll"
demo_dll="$REPO_ROOT/mqtt-bridge/AgentLink.DemoAgent/bin/Release/net10.0/AgentLink.DemoAgent.dll"

stop_apps() {
  for name in demo-agent web functions bridge; do
    pid_file="$run_dir/$name.pid"
    [ -f "$pid_file" ] || continue
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      step "stopped $name"
    fi
    rm -f "$pid_file"
  done
}

start_app() { # name dll url extra-env...
  local name=$1 dll=$2 url=$3; shift 3
  env "$@" setsid nohup dotnet "$dll" --urls "$url" >"$run_dir/$name.log" 2>&1 < /dev/null &
  echo $! > "$run_dir/$name.pid"
}

wait_healthy() { # name url
  for _ in $(seq 1 150); do
    if curl -fsS "$2" >/dev/null 2>&1; then ok "$1 is up"; return; fi
    kill -0 "$(cat "$run_dir/$1.pid")" 2>/dev/null || { tail -n 30 "$run_dir/$1.log" >&2; die "$1 exited; log: $run_dir/$1.log"; }
    sleep 0.2
  done
  tail -n 30 "$run_dir/$1.log" >&2
  die "$1 did not become healthy; log: $run_dir/$1.log"
}

case "${1:-start}" in
  stop)
    stop_apps
    "$REPO_ROOT/infra/stack.sh" down
    exit 0 ;;
  status)
    "$REPO_ROOT/infra/stack.sh" status
    for name in functions web bridge demo-agent; do
      if [ -f "$run_dir/$name.pid" ] && kill -0 "$(cat "$run_dir/$name.pid")" 2>/dev/null; then echo "$name: up"; else echo "$name: down"; fi
    done
    exit 0 ;;
  start) ;;
  *) die "usage: infra/run.sh [start|stop|status]" ;;
esac

"$REPO_ROOT/infra/install.sh"
"$REPO_ROOT/infra/stack.sh" up
"$REPO_ROOT/infra/build.sh" Release
mkdir -p "$run_dir"
stop_apps

# One signing secret per install, made once and kept with the state (never in the repo).
secret_file="$AGENTLINK_STATE_DIR/signing-secret"
[ -s "$secret_file" ] || (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n=+/' > "$secret_file")

common=(
  "ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production}"
  "AgentLink__Database__ConnectionString=$AGENTLINK_DB"
  "AgentLink__Bus__Redis=$AGENTLINK_REDIS"
  "AgentLink__Auth__SigningSecret=$(cat "$secret_file")"
  # Agents connect to the bridge's embedded broker; the functions host tells them where it is.
  "AgentLink__Mqtt__EmbeddedPort=$AGENTLINK_MQTT_PORT"
  "AgentLink__Mqtt__PublicUrl=${AGENTLINK_MQTT_PUBLIC_URL:-mqtt://localhost:$AGENTLINK_MQTT_PORT}"
  # Per-agent posting limit; the agent benchmark raises it (README, "Load test").
  "AgentLink__Mqtt__AgentMessagesPerSecond=${AGENTLINK_AGENT_RATE_LIMIT:-10}"
  "AgentLink__Mqtt__AgentMessageBurst=${AGENTLINK_AGENT_BURST:-30}"
  # Sign-ups per address per hour and messages per person per minute; the load tool signs up a
  # hundred people from one address, so load runs raise them (README, "Load test").
  "AgentLink__RateLimits__SignupsPerHour=${AGENTLINK_SIGNUPS_PER_HOUR:-60}"
  "AgentLink__RateLimits__AgentRegistrationsPerHour=${AGENTLINK_SIGNUPS_PER_HOUR:-60}"
  "AgentLink__RateLimits__MessagesPerMinute=${AGENTLINK_MESSAGES_PER_MINUTE:-300}"
  # Attachments live in the stack's Azurite (on loopback: browsers on this machine upload and read
  # them directly with SAS URLs); the functions allow browser uploads in its CORS rules.
  "AgentLink__Files__BlobConnectionString=$AGENTLINK_STORAGE"
  "AgentLink__Files__CorsOrigins=*"
)

step "migrating the database"
env "${common[@]}" dotnet "$functions_dll" migrate

step "starting the functions host, the MQTT bridge and the web app"
# AzureWebJobsStorage is what the Functions host uses under Azure; locally it is the stack's Azurite.
start_app functions "$functions_dll" "http://127.0.0.1:$AGENTLINK_FUNCTIONS_PORT" "${common[@]}" "AzureWebJobsStorage=$AGENTLINK_STORAGE"
start_app bridge "$bridge_dll" "http://127.0.0.1:$AGENTLINK_BRIDGE_PORT" "${common[@]}"
# The web app is the public origin: /api goes to the functions, /mcp (the MCP server) to the bridge.
start_app web "$web_dll" "http://0.0.0.0:$AGENTLINK_WEB_PORT" "${common[@]}" \
  "AgentLink__Web__FunctionsUrl=http://127.0.0.1:$AGENTLINK_FUNCTIONS_PORT" \
  "AgentLink__Web__BridgeUrl=http://127.0.0.1:$AGENTLINK_BRIDGE_PORT"
wait_healthy functions "http://127.0.0.1:$AGENTLINK_FUNCTIONS_PORT/api/health/ready"
wait_healthy bridge "http://127.0.0.1:$AGENTLINK_BRIDGE_PORT/health/ready"
wait_healthy web "http://127.0.0.1:$AGENTLINK_WEB_PORT/health/ready"

# The demo agent registers itself once (its key is kept in the state folder), waits to be
# claimed, then answers DMs and mentions, and works tasks. The same claim brings "Demo Auditor",
# which judges audits once it is marked as an auditor (Audits, then Who judges).
step "starting the demo agent"
mkdir -p "$AGENTLINK_STATE_DIR/demo-agent"
setsid nohup dotnet "$demo_dll" --url "http://localhost:$AGENTLINK_WEB_PORT" --state "$AGENTLINK_STATE_DIR/demo-agent" \
  --with-auditor "Demo Auditor" >"$run_dir/demo-agent.log" 2>&1 < /dev/null &
echo $! > "$run_dir/demo-agent.pid"
demo_line=""
for _ in $(seq 1 100); do
  demo_line=$(grep -m1 -E 'claim me at|claimed into' "$run_dir/demo-agent.log" 2>/dev/null || true)
  [ -n "$demo_line" ] && break
  sleep 0.2
done
case "$demo_line" in
  *"claim me at"*) demo_msg="Demo agent: sign in, create a workspace, then open ${demo_line##*claim me at } and DM \"Demo Agent\" (\"Demo Auditor\" comes too: mark it under Audits to have it judge)" ;;
  *"claimed into"*) demo_msg="Demo agent: online in your workspace (DM \"Demo Agent\"; \"Demo Auditor\" judges audits once marked under Audits)" ;;
  *) demo_msg="Demo agent: not ready yet; see $run_dir/demo-agent.log" ;;
esac

cat <<MSG

  AgentLink is running.
    Open:      http://localhost:$AGENTLINK_WEB_PORT
    API docs:  http://localhost:$AGENTLINK_WEB_PORT/api/docs
    Agents:    mqtt://localhost:$AGENTLINK_MQTT_PORT (AgentLink protocol: mqtt-bridge/asyncapi.yaml)
               or MCP at http://localhost:$AGENTLINK_WEB_PORT/mcp with the agent's API key (README, "Agents over MCP")
    $demo_msg
    Logs:      $run_dir/*.log
    Stop:      infra/run.sh stop

MSG
