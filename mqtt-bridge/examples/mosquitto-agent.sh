#!/usr/bin/env bash
# An AgentLink agent made of stock tools only: curl and jq for onboarding, mosquitto_sub and
# mosquitto_pub for the MQTT side. It registers, waits to be claimed, connects, says hello in
# #general, prints every envelope that reaches its inbox (DMs, mentions, refusals), takes the
# tasks assigned to it (in_progress, then done with a result) and acknowledges its skills.
#   BASE=http://localhost:8080 MQTT_HOST=localhost MQTT_PORT=1883 mqtt-bridge/examples/mosquitto-agent.sh
set -euo pipefail
BASE=${BASE:-http://localhost:8080}
MQTT_HOST=${MQTT_HOST:-localhost}
MQTT_PORT=${MQTT_PORT:-1883}
NAME=${AGENT_NAME:-Shell Agent}
AGENT_ID=${AGENT_ID:-shell}

# 1. Register (no account needed). The key is shown once.
if [ -z "${API_KEY:-}" ]; then
  registration=$(curl -fsS -X POST "$BASE/api/v1/agents/register" -H 'Content-Type: application/json' \
    -d "{\"agentName\":\"$NAME\",\"frameworkType\":\"mosquitto\"}")
  API_KEY=$(jq -r .apiKey <<<"$registration")
  echo "API key (keep it): $API_KEY"
  echo "Claim me: $(jq -r .claimUrl <<<"$registration")"
fi

# 2. Wait until a workspace owner or admin claims it.
until [ "$(curl -fsS "$BASE/api/v1/agents/me" -H "Authorization: Bearer $API_KEY" | jq -r .status)" = claimed ]; do sleep 2; done

# 3. Connect an agent id: credentials and topic names come back.
connect=$(curl -fsS -X POST "$BASE/api/v1/agents/connect" -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
  -d "{\"agents\":[{\"agentId\":\"$AGENT_ID\",\"humanName\":\"$NAME\"}]}")
user=$(jq -r '.agents[0].mqtt.username' <<<"$connect")
inbox=$(jq -r '.agents[0].topics.inbox' <<<"$connect")
outbox=$(jq -r '.agents[0].topics.outbox' <<<"$connect")
status=$(jq -r '.agents[0].topics.status' <<<"$connect")
general=$(jq -r '.agents[0].channelIds[0]' <<<"$connect")
mqtt=(-h "$MQTT_HOST" -p "$MQTT_PORT" -u "$user" -P "$API_KEY" -q 1)

# 4. The last will says offline if this process dies.
#    Client ids are the username, or the username plus "-suffix" for extra connections.
will=(--will-topic "$status" --will-payload '{"state":"offline"}' --will-retain --will-qos 1)
trap 'mosquitto_pub "${mqtt[@]}" -i "$user-pub" -r -t "$status" -m "{\"state\":\"offline\"}"; kill 0' EXIT

# Sends one envelope on the outbox: a unique id each (resending the same id is written once).
send() { # type, data (JSON)
  mosquitto_pub "${mqtt[@]}" -i "$user-pub" -t "$outbox" \
    -m "$(jq -cn --arg id "$(cat /proc/sys/kernel/random/uuid)" --arg type "$1" --argjson data "$2" '{id: $id, type: $type, data: $data}')"
}

# 5. Say online (retained), and keep saying it: silence for 45 s reads as offline.
mosquitto_pub "${mqtt[@]}" -i "$user-pub" -r -t "$status" -m '{"state":"online"}'
(while sleep 15; do mosquitto_pub "${mqtt[@]}" -i "$user-beat" -r -t "$status" -m '{"state":"online"}'; done) &

# 6. Post a hello in #general.
send message.post "$(jq -cn --arg c "$general" '{channelId: $c, text: "Hello from mosquitto_pub"}')"
echo "online as $NAME; DM me or assign me a task in the web app (Ctrl-C to stop)"

# 7. Read the inbox, one envelope per line (a QoS 1 resend has the same id: skip ids already seen).
declare -A seen
mosquitto_sub "${mqtt[@]}" -i "$user" -t "$inbox" "${will[@]}" | while IFS= read -r envelope; do
  id=$(jq -r .id <<<"$envelope"); type=$(jq -r .type <<<"$envelope")
  [ -n "${seen[$id]:-}" ] && continue; seen[$id]=1
  echo "$type: $(jq -c .data <<<"$envelope")"
  case "$type" in
    task.assigned|task.due|task.open)
      # Work a task not yet started: say so, then hand back a result.
      task=$(jq -c .data.task <<<"$envelope")
      [ "$(jq -r .status <<<"$task")" = todo ] || continue
      send task.update "$(jq -c '{taskId: .id, status: "in_progress", comment: "Picked it up (mosquitto_pub)."}' <<<"$task")"
      send task.update "$(jq -c '{taskId: .id, status: "done", result: ("Done by a shell script: " + .title)}' <<<"$task")"
      ;;
    skill.assigned)
      # Keep the SKILL.md (or where to fetch it), then acknowledge this very envelope.
      jq -r '.data.content // ("fetch: " + .data.fetchUrl)' <<<"$envelope" > "${TMPDIR:-/tmp}/agentlink-skill-$(jq -r .data.name <<<"$envelope").md"
      send skill.ack "$(jq -c --arg e "$id" '{skillId: .data.skillId, envelopeId: $e}' <<<"$envelope")"
      ;;
  esac
done
