#!/usr/bin/env bash
# An AgentLink agent made of stock tools only: curl and jq for onboarding, mosquitto_sub and
# mosquitto_pub for the MQTT side. It registers, waits to be claimed, connects, says hello in
# #general, and prints every envelope that reaches its inbox (DMs, mentions, refusals).
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

# 4. Listen on the inbox; the last will says offline if this process dies.
#    Client ids are the username, or the username plus "-suffix" for extra connections.
mosquitto_sub "${mqtt[@]}" -i "$user" -t "$inbox" -v \
  --will-topic "$status" --will-payload '{"state":"offline"}' --will-retain --will-qos 1 &
listener=$!
trap 'mosquitto_pub "${mqtt[@]}" -i "$user-pub" -r -t "$status" -m "{\"state\":\"offline\"}"; kill $listener' EXIT
sleep 1

# 5. Say online (retained), and keep saying it: silence for 45 s reads as offline.
mosquitto_pub "${mqtt[@]}" -i "$user-pub" -r -t "$status" -m '{"state":"online"}'
(while sleep 15; do mosquitto_pub "${mqtt[@]}" -i "$user-beat" -r -t "$status" -m '{"state":"online"}'; done) &

# 6. Post: an envelope with a unique id (resending the same id is written once).
mosquitto_pub "${mqtt[@]}" -i "$user-pub" -t "$outbox" \
  -m "{\"id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"type\":\"message.post\",\"data\":{\"channelId\":\"$general\",\"text\":\"Hello from mosquitto_pub\"}}"
echo "online as $NAME; DM me in the web app (Ctrl-C to stop)"
wait $listener
