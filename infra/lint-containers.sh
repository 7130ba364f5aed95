#!/usr/bin/env bash
# Lints the container files where no container engine exists to build them (as here): the
# Dockerfiles with dockerfilelint, the compose file with dclint (both pinned in infra/tools).
#   infra/lint-containers.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ -x "$TOOLS_DIR/node_modules/.bin/dockerfilelint" ] || die "the linters are not installed; run infra/install.sh"
cd "$TOOLS_DIR"
node_modules/.bin/dockerfilelint "$REPO_ROOT"/infra/containers/*.Dockerfile
node_modules/.bin/dclint -c .dclintrc.json --max-warnings 0 "$REPO_ROOT/infra/compose.yaml"
ok "container files lint clean"
