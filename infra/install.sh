#!/usr/bin/env bash
# Installs what the local stack needs and is missing: PostgreSQL 15 + pgvector,
# Redis, Mosquitto (the external-broker mode and its tests), Node/npm (the web app's build, Azurite
# and the container linters of infra/tools) and, with --browser,
# Chromium for the browser tests. Idempotent: a second run only checks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) die "unknown option $arg (known: --browser)" ;;
  esac
done

# The .NET SDK is not in Debian's archive; the machine must bring it.
have dotnet || die "the .NET 10 SDK is required and not on PATH; install it first, then run this again"

missing=()
# postgresql-15 includes the contrib modules on bookworm.
[ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing+=(postgresql-15 postgresql-client-15)
# pg_config alone ships with the client; building pgvector needs the server headers.
[ -f /usr/include/postgresql/15/server/postgres.h ] || missing+=(postgresql-server-dev-15)
have redis-server || missing+=(redis-server)
have mosquitto || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
have mosquitto_pub || missing+=(mosquitto-clients)
have jq || missing+=(jq)  # the stock-tools agent example (mqtt-bridge/examples)
have curl || missing+=(curl)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have make || missing+=(make)
have gcc || missing+=(gcc)
if [ "$want_browser" = 1 ]; then
  have chromium || missing+=(chromium)
  # Emoji in messages and reactions render as boxes without a colour emoji font.
  [ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-color-emoji)
fi

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then
    step "apt-get update"
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  apt_update_once
  step "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian packages start nothing here (no systemd), and our own stack uses
# private data folders and ports, so nothing else needs to be switched off.

pg_sharedir=$(/usr/lib/postgresql/15/bin/pg_config --sharedir)
if [ ! -f "$pg_sharedir/extension/vector.control" ]; then
  # bookworm has no pgvector package: build Debian's own source package from
  # trixie, through a private apt configuration so the machine's sources stay as they are.
  if apt-cache policy postgresql-15-pgvector 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt_update_once
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-pgvector >/dev/null
  else
    step "building pgvector from Debian's trixie source package"
    work=$(mktemp -d)
    mirror=$(grep -hoE '^(URIs:|deb) *https?://[^ ]+/debian/?' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n1 | grep -oE 'https?://[^ ]+' || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    mkdir -p "$work/sources.d" "$work/lists/partial"
    printf 'deb-src [trusted=yes] %s trixie main\n' "$mirror" > "$work/sources.d/trixie-src.list"
    apt_opts=(-o "APT::Sandbox::User=root" -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources.d" -o "Dir::State::Lists=$work/lists")
    apt-get "${apt_opts[@]}" update -qq >/dev/null
    (cd "$work" && apt-get "${apt_opts[@]}" source -qq --download-only pgvector >/dev/null 2>&1 || apt-get "${apt_opts[@]}" source -qq pgvector >/dev/null)
    src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
    if [ -z "$src" ]; then
      tarball=$(find "$work" -maxdepth 1 -name 'pgvector_*.orig.tar.*' | head -n1)
      [ -n "$tarball" ] || die "could not fetch the pgvector source package"
      tar -xf "$tarball" -C "$work"
      src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
    fi
    make -s -C "$src" PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config OPTFLAGS="" >/dev/null
    make -s -C "$src" PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config OPTFLAGS="" install >/dev/null
    rm -rf "$work"
  fi
fi
# Node tools of the stack and its checks (Azurite, container linters), pinned by infra/tools/package-lock.json.
if [ ! -d "$TOOLS_DIR/node_modules" ] || [ "$TOOLS_DIR/package-lock.json" -nt "$TOOLS_DIR/node_modules/.package-lock.json" ]; then
  step "installing the stack's Node tools (Azurite, linters)"
  (cd "$TOOLS_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

ok "dependencies present (PostgreSQL 15 + pgvector, Redis, Mosquitto, Azurite, Node $(node --version 2>/dev/null || echo '?'))"
