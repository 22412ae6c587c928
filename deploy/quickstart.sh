#!/usr/bin/env bash
# Quick start: install dependencies, build, start a node on 127.0.0.1:7700 with
# the demo catalogue (47 territorial AI projects), and print how to query it.
# The node runs in the foreground; Ctrl-C stops it. Data: build/demo-node.
set -euo pipefail
cd "$(dirname "$0")/.."
ADDRESS="${BIBIA_ADDRESS:-127.0.0.1:7700}"
DATA_DIR="${BIBIA_DEMO_DIR:-$PWD/build/demo-node}"

bash deploy/install-deps.sh
bash deploy/build.sh bibia-node bibia

rm -f "$DATA_DIR.port"
./build/node/bibia-node --data-dir "$DATA_DIR" --listen "$ADDRESS" --port-file "$DATA_DIR.port" --open-access &
NODE_PID=$!
trap 'kill -TERM $NODE_PID 2>/dev/null; wait $NODE_PID' INT TERM
for _ in $(seq 1 300); do
  [ -s "$DATA_DIR.port" ] && break
  kill -0 $NODE_PID 2>/dev/null || { echo "bibia-node failed to start (is $ADDRESS in use?)" >&2; exit 1; }
  sleep 0.1
done
[ -s "$DATA_DIR.port" ] || { echo "bibia-node did not start listening within 30 s" >&2; kill $NODE_PID; exit 1; }

./build/cli/bibia --node "$ADDRESS" import deploy/demo/projects.json
cat <<MSG

bibia-node is serving the demo catalogue on $ADDRESS (data in $DATA_DIR).
Try, in another terminal:
  ./build/cli/bibia stats
  ./build/cli/bibia search "cantine gaspillage"
  ./build/cli/bibia search "pollution" --status production
  ./build/cli/bibia project list --domain water
  ./build/cli/bibia project get nantes-prevision-frequentation-cantines
  ./build/cli/bibia feedback list nantes-prevision-frequentation-cantines
  ./build/cli/bibia --help
Ctrl-C stops the node.
MSG
wait $NODE_PID
