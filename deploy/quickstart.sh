#!/usr/bin/env bash
# Quick start: install dependencies, build, start a node on 127.0.0.1:7700 (TLS)
# with the demo catalogue (47 territorial AI projects) and its web page on
# https://127.0.0.1:7780/, and print how to query it. The node runs in the foreground; Ctrl-C stops it. Data: build/demo-node.
set -euo pipefail
cd "$(dirname "$0")/.."
ADDRESS="${BIBIA_ADDRESS:-127.0.0.1:7700}"
HTTP_ADDRESS="${BIBIA_HTTP_ADDRESS:-127.0.0.1:7780}"
DATA_DIR="${BIBIA_DEMO_DIR:-$PWD/build/demo-node}"
NODE=./build/node/bibia-node
CLI=./build/cli/bibia

bash deploy/install-deps.sh
bash deploy/build.sh bibia-node bibia

if [ ! -f "$DATA_DIR/node.conf" ]; then
  "$NODE" init --data-dir "$DATA_DIR" --id demo --collectivity "Nœud de démonstration bibia"
fi
# An admin token for the import only, valid one hour, kept out of argv.
ADMIN_TOKEN=$("$NODE" token issue --data-dir "$DATA_DIR" --subject quickstart --tier expert --role admin --ttl 1h)

# A node already serving this data directory keeps it (and its port file).
if [ -s "$DATA_DIR.port" ] && "$CLI" --node "$(cat "$DATA_DIR.port")" --ca "$DATA_DIR/tls.crt" --timeout 2 stats >/dev/null 2>&1; then
  echo "a demo node is already serving $DATA_DIR on $(cat "$DATA_DIR.port"); stop it first (Ctrl-C where it runs)" >&2
  exit 1
fi
rm -f "$DATA_DIR.port"
"$NODE" --data-dir "$DATA_DIR" --listen "$ADDRESS" --port-file "$DATA_DIR.port" --http "$HTTP_ADDRESS" &
NODE_PID=$!
trap 'kill -TERM $NODE_PID 2>/dev/null; wait $NODE_PID' INT TERM
for _ in $(seq 1 300); do
  [ -s "$DATA_DIR.port" ] && break
  kill -0 $NODE_PID 2>/dev/null || { echo "bibia-node failed to start (is $ADDRESS in use?)" >&2; exit 1; }
  sleep 0.1
done
[ -s "$DATA_DIR.port" ] || { echo "bibia-node did not start listening within 30 s" >&2; kill $NODE_PID; exit 1; }

BIBIA_TOKEN="$ADMIN_TOKEN" "$CLI" --node "$ADDRESS" --ca "$DATA_DIR/tls.crt" import deploy/demo/projects.json
cat <<MSG

bibia-node is serving the demo catalogue on $ADDRESS over TLS (data in $DATA_DIR).

Web page: https://$HTTP_ADDRESS/   (the node's self-signed certificate: accept it
in the browser, or trust $DATA_DIR/tls.crt)
  curl --cacert $DATA_DIR/tls.crt "https://$HTTP_ADDRESS/api/v1/projects?q=fuites"
  curl --cacert $DATA_DIR/tls.crt https://$HTTP_ADDRESS/export/dcat.jsonld

In another terminal, from $(pwd):

  export BIBIA_NODE=$ADDRESS BIBIA_CA=$DATA_DIR/tls.crt
  $CLI stats
  $CLI search "prévision repas"
  $CLI search "donnée" --status production
  $CLI project list --domain water
  $CLI project get nantes-prevision-frequentation-cantines      # public facet only

As a member authority (restricted tier: contacts and feedback):
  export BIBIA_TOKEN=\$($NODE token issue --data-dir $DATA_DIR --subject me --tier restricted --role reader)
  $CLI project get nantes-prevision-frequentation-cantines
  $CLI feedback list nantes-prevision-frequentation-cantines

Ctrl-C stops the node.
MSG
wait $NODE_PID
