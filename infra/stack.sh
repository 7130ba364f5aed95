#!/usr/bin/env bash
# Starts or stops the local data stack: PostgreSQL 15 (with pgvector), Redis,
# Mosquitto (an external MQTT broker for the bridge's external mode and its tests) and
# Azurite (Azure Storage: AzureWebJobsStorage, and blobs), on loopback, in a private state folder. Idempotent: `up` twice, or `up` after
# a crash or a kill -9, just works.
#   infra/stack.sh up | down | status
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pg_dir="$AGENTLINK_STATE_DIR/pg"
redis_dir="$AGENTLINK_STATE_DIR/redis"
mosquitto_dir="$AGENTLINK_STATE_DIR/mosquitto"
azurite_dir="$AGENTLINK_STATE_DIR/azurite"
mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)

# From / so that a checkout in a private folder does not make runuser complain about the cwd.
as_pg() { (cd / && runuser -u postgres -- "$@"); }
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$AGENTLINK_PG_PORT" -U postgres; }
redis_ready() { redis-cli -p "$AGENTLINK_REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
# The server on our port must be ours (another checkout may run one there).
pg_dir_in_use() { psql -h 127.0.0.1 -p "$AGENTLINK_PG_PORT" -U postgres -qtA -c "show data_directory" 2>/dev/null; }
redis_dir_in_use() { redis-cli -p "$AGENTLINK_REDIS_PORT" config get dir 2>/dev/null | sed -n 2p; }

pg_up() {
  mkdir -p "$AGENTLINK_STATE_DIR"
  chmod 755 "$AGENTLINK_STATE_DIR"
  if [ ! -s "$pg_dir/PG_VERSION" ]; then
    step "initialising PostgreSQL in $pg_dir"
    rm -rf "$pg_dir"; mkdir -p "$pg_dir"; chown postgres:postgres "$pg_dir"; chmod 700 "$pg_dir"
    as_pg "$PG_BIN/initdb" -D "$pg_dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if pg_ready; then
    [ "$(pg_dir_in_use)" = "$pg_dir" ] || die "port $AGENTLINK_PG_PORT has another PostgreSQL ($(pg_dir_in_use)); stop it, or set AGENTLINK_PG_PORT"
    ok "PostgreSQL already running on 127.0.0.1:$AGENTLINK_PG_PORT"
  else
    step "starting PostgreSQL on 127.0.0.1:$AGENTLINK_PG_PORT"
    # A kill -9 leaves a stale pid file behind; pg_isready is the truth.
    rm -f "$pg_dir/postmaster.pid"
    for attempt in 1 2 3; do
      as_pg "$PG_BIN/pg_ctl" -D "$pg_dir" -l "$pg_dir/server.log" -w -t 30 \
        -o "-h 127.0.0.1 -p $AGENTLINK_PG_PORT -k /tmp -c max_connections=300 -c shared_buffers=256MB -c fsync=${AGENTLINK_PG_FSYNC:-on}" start >/dev/null || true
      pg_ready && break
      sleep 1
    done
    pg_ready || { tail -n 20 "$pg_dir/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  # Role and database are created once; the schema is the migrate step's job.
  psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$AGENTLINK_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  if [ "$(psql_admin -c "select 1 from pg_roles where rolname='$DB_USER'")" != 1 ]; then
    psql_admin -c "create role $DB_USER login password '$DB_PASSWORD' createdb"
  fi
  if [ "$(psql_admin -c "select 1 from pg_database where datname='$DB_NAME'")" != 1 ]; then
    psql_admin -c "create database $DB_NAME owner $DB_USER"
  fi
  # The vector extension needs a superuser to create; do it here so migrations
  # can run as the application role.
  psql_admin -d "$DB_NAME" -c "create extension if not exists vector" >/dev/null
  psql_admin -d template1 -c "create extension if not exists vector" >/dev/null
}

redis_up() {
  mkdir -p "$redis_dir"
  if redis_ready; then
    [ "$(redis_dir_in_use)" = "$redis_dir" ] || die "port $AGENTLINK_REDIS_PORT has another Redis ($(redis_dir_in_use)); stop it, or set AGENTLINK_REDIS_PORT"
    ok "Redis already running on 127.0.0.1:$AGENTLINK_REDIS_PORT"; return
  fi
  step "starting Redis on 127.0.0.1:$AGENTLINK_REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$AGENTLINK_REDIS_PORT" --dir "$redis_dir" \
    --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis_ready && return; sleep 0.1; done
  die "Redis did not start (see $redis_dir/redis.log)"
}

mosquitto_ready() { mosquitto_sub -h 127.0.0.1 -p "$AGENTLINK_MOSQUITTO_PORT" -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1; }

mosquitto_up() {
  if mosquitto_ready; then
    [ -f "$mosquitto_dir/mosquitto.pid" ] && kill -0 "$(cat "$mosquitto_dir/mosquitto.pid")" 2>/dev/null \
      || die "port $AGENTLINK_MOSQUITTO_PORT has another MQTT broker; stop it, or set AGENTLINK_MOSQUITTO_PORT"
    ok "Mosquitto already running on 127.0.0.1:$AGENTLINK_MOSQUITTO_PORT"; return
  fi
  step "starting Mosquitto on 127.0.0.1:$AGENTLINK_MOSQUITTO_PORT"
  mkdir -p "$mosquitto_dir"
  # Anonymous on loopback: it serves the bridge's external mode in tests. A production broker
  # authenticates through the functions host's hooks (README, "Wiring an external broker").
  cat > "$mosquitto_dir/mosquitto.conf" <<CONF
listener $AGENTLINK_MOSQUITTO_PORT 127.0.0.1
allow_anonymous true
persistence false
# Small packets go out at once (Nagle's algorithm would hold them for the peer's delayed ACK).
set_tcp_nodelay true
# The bridge's persistent session holds what agents send while it restarts: do not cap it low.
max_queued_messages 1000000
max_inflight_messages 1000
pid_file $mosquitto_dir/mosquitto.pid
log_dest file $mosquitto_dir/mosquitto.log
CONF
  # Mosquitto drops from root to its own user before it writes the pid and log files.
  chown -R mosquitto: "$mosquitto_dir" 2>/dev/null || true
  "$mosquitto_bin" -c "$mosquitto_dir/mosquitto.conf" -d
  for _ in $(seq 1 50); do mosquitto_ready && return; sleep 0.1; done
  die "Mosquitto did not start (see $mosquitto_dir/mosquitto.log)"
}

# Azurite answers any request on its blob port (an unauthenticated one with a 4xx).
azurite_ready() { curl -s -o /dev/null "http://127.0.0.1:$AGENTLINK_AZURITE_PORT/devstoreaccount1?comp=list" 2>/dev/null; }

azurite_up() {
  if azurite_ready; then
    [ -f "$azurite_dir/azurite.pid" ] && kill -0 "$(cat "$azurite_dir/azurite.pid")" 2>/dev/null \
      || die "port $AGENTLINK_AZURITE_PORT answers but is not our Azurite; stop it, or set AGENTLINK_AZURITE_PORT"
    ok "Azurite already running on 127.0.0.1:$AGENTLINK_AZURITE_PORT"; return
  fi
  [ -x "$TOOLS_DIR/node_modules/.bin/azurite" ] || die "Azurite is not installed; run infra/install.sh"
  step "starting Azurite on 127.0.0.1:$AGENTLINK_AZURITE_PORT-$((AGENTLINK_AZURITE_PORT + 2))"
  mkdir -p "$azurite_dir/data"
  setsid nohup "$TOOLS_DIR/node_modules/.bin/azurite" --silent --disableTelemetry --skipApiVersionCheck --location "$azurite_dir/data" \
    --blobHost 127.0.0.1 --blobPort "$AGENTLINK_AZURITE_PORT" --queueHost 127.0.0.1 --queuePort "$((AGENTLINK_AZURITE_PORT + 1))" \
    --tableHost 127.0.0.1 --tablePort "$((AGENTLINK_AZURITE_PORT + 2))" >"$azurite_dir/azurite.log" 2>&1 < /dev/null &
  echo $! > "$azurite_dir/azurite.pid"
  for _ in $(seq 1 100); do azurite_ready && return; sleep 0.1; done
  tail -n 20 "$azurite_dir/azurite.log" >&2
  die "Azurite did not start (see $azurite_dir/azurite.log)"
}

azurite_down() {
  if [ -f "$azurite_dir/azurite.pid" ] && kill -0 "$(cat "$azurite_dir/azurite.pid")" 2>/dev/null; then
    step "stopping Azurite"; kill "$(cat "$azurite_dir/azurite.pid")" 2>/dev/null || true
  fi
}

mosquitto_down() {
  if [ -f "$mosquitto_dir/mosquitto.pid" ] && kill -0 "$(cat "$mosquitto_dir/mosquitto.pid")" 2>/dev/null; then
    step "stopping Mosquitto"; kill "$(cat "$mosquitto_dir/mosquitto.pid")" 2>/dev/null || true
  fi
}

pg_down() {
  if [ -s "$pg_dir/PG_VERSION" ] && pg_ready && [ "$(pg_dir_in_use)" = "$pg_dir" ]; then
    step "stopping PostgreSQL"
    as_pg "$PG_BIN/pg_ctl" -D "$pg_dir" -m fast -w stop >/dev/null || true
  fi
}

redis_down() {
  if redis_ready && [ "$(redis_dir_in_use)" = "$redis_dir" ]; then step "stopping Redis"; redis-cli -p "$AGENTLINK_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
}

case "${1:-}" in
  up) pg_up; redis_up; mosquitto_up; azurite_up; ok "data stack up (state in $AGENTLINK_STATE_DIR)" ;;
  down) azurite_down; mosquitto_down; redis_down; pg_down; ok "data stack down" ;;
  status)
    pg_ready && echo "postgres: up (127.0.0.1:$AGENTLINK_PG_PORT)" || echo "postgres: down"
    redis_ready && echo "redis: up (127.0.0.1:$AGENTLINK_REDIS_PORT)" || echo "redis: down"
    mosquitto_ready && echo "mosquitto: up (127.0.0.1:$AGENTLINK_MOSQUITTO_PORT)" || echo "mosquitto: down"
    azurite_ready && echo "azurite: up (blob 127.0.0.1:$AGENTLINK_AZURITE_PORT)" || echo "azurite: down" ;;
  *) die "usage: infra/stack.sh up|down|status" ;;
esac
