# Shared helpers for the infra scripts. Sourced, not run.
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Ports and the state folder can be moved by environment variables so that two
# checkouts can run side by side.
: "${AGENTLINK_PG_PORT:=55432}"
: "${AGENTLINK_REDIS_PORT:=56379}"
: "${AGENTLINK_FUNCTIONS_PORT:=7071}"
: "${AGENTLINK_WEB_PORT:=8080}"
: "${AGENTLINK_BRIDGE_PORT:=7072}"
# The embedded broker of the bridge (what agents connect to), and the Mosquitto the tests use.
: "${AGENTLINK_MQTT_PORT:=1883}"
: "${AGENTLINK_MOSQUITTO_PORT:=51883}"
# Azurite (Azure Storage emulator): blob, queue, table on three consecutive ports from this one.
: "${AGENTLINK_AZURITE_PORT:=51000}"
# PostgreSQL runs as the postgres user, which must be able to reach its data
# folder; a checkout under a private temp folder would not be, so state lives
# under /var/tmp, one folder per checkout.
: "${AGENTLINK_STATE_DIR:=/var/tmp/agentlink-$(printf '%s' "$REPO_ROOT" | md5sum | cut -c1-10)}"
export AGENTLINK_PG_PORT AGENTLINK_REDIS_PORT AGENTLINK_FUNCTIONS_PORT AGENTLINK_WEB_PORT AGENTLINK_BRIDGE_PORT AGENTLINK_MQTT_PORT AGENTLINK_MOSQUITTO_PORT AGENTLINK_AZURITE_PORT AGENTLINK_STATE_DIR
PG_BIN=/usr/lib/postgresql/15/bin
DB_NAME=agentlink
DB_USER=agentlink
DB_PASSWORD=agentlink-dev
export AGENTLINK_DB="Host=127.0.0.1;Port=$AGENTLINK_PG_PORT;Database=$DB_NAME;Username=$DB_USER;Password=$DB_PASSWORD"
export AGENTLINK_REDIS="127.0.0.1:$AGENTLINK_REDIS_PORT"
# Azurite's well-known development account (public, documented by Microsoft; local use only).
AZURITE_ACCOUNT_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export AGENTLINK_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_ACCOUNT_KEY;BlobEndpoint=http://127.0.0.1:$AGENTLINK_AZURITE_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((AGENTLINK_AZURITE_PORT + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((AGENTLINK_AZURITE_PORT + 2))/devstoreaccount1;"
TOOLS_DIR="$REPO_ROOT/infra/tools"

have() { command -v "$1" >/dev/null 2>&1; }
step() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
ok() { printf '\033[1;32m ok\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }
