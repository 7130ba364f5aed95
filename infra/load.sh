#!/usr/bin/env bash
# Runs the load tool against the stack that infra/run.sh started (POST -> SSE latency, throughput).
#   infra/load.sh                          100 listeners, 200 messages/s for 15 s
#   infra/load.sh --find-max --step 200    step the rate up until it is no longer sustained
#   infra/load.sh --agents 20 --listeners 10 --rate 500     20 agents publish over MQTT (start the stack with
#                                                          AGENTLINK_AGENT_RATE_LIMIT=100000 so the per-agent limit stays out of the way)
#   infra/load.sh --agents 5 --mcp --listeners 10 --rate 20   5 agents post over MCP (post_message on /mcp); the per-agent limit applies as on MQTT
#   infra/load.sh --mcp-deliveries [--rate 4]                 a person DMs an agent on MCP only: DM POST -> its session's delivery notification
#   infra/load.sh --mosquitto-ceiling --agents 20 --listeners 10 --rate 500   the same load through bare Mosquitto
#   infra/load.sh --task-board 5000 [--requests 200]       seed 5 000 tasks, time the task board's list filters
#   infra/load.sh --memories 100000 [--memory-agents 10] [--requests 200]   seed 100 000 memories, time hybrid search, measure recall@10
# Any option of tests/AgentLink.LoadTest (--listeners, --rate, --seconds, --url, --max-rate, --sustained-p99-ms,
# --agents, --mosquitto-ceiling, --mqtt-host, --mqtt-port) passes through.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
url="http://127.0.0.1:$AGENTLINK_WEB_PORT"
curl -fsS "$url/health/ready" >/dev/null 2>&1 || die "no stack at $url; start it with infra/run.sh"
dotnet build "$REPO_ROOT/tests/AgentLink.LoadTest" -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet "$REPO_ROOT/tests/AgentLink.LoadTest/bin/Release/net10.0/AgentLink.LoadTest.dll" --url "$url" --mqtt-port "$AGENTLINK_MOSQUITTO_PORT" --db "$AGENTLINK_DB" "$@"
