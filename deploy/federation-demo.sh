#!/usr/bin/env bash
# A local federation of three nodes on 127.0.0.1, set up with the real
# commands an operator and node admins would run: the operator's roster, node
# identities, TLS, tokens, peers. Nantes (expert) holds the demo catalogue; a
# restricted member (Rennes) and a public mirror pull from it and from each
# other. Prints what each node serves, then keeps running until Ctrl-C.
# Usage: deploy/federation-demo.sh   (builds first; data in build/federation-demo)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="${BIBIA_FEDERATION_DIR:-$PWD/build/federation-demo}"
NODE=./build/node/bibia-node
CLI=./build/cli/bibia

bash deploy/install-deps.sh
bash deploy/build.sh bibia-node bibia
rm -rf "$ROOT" && mkdir -p "$ROOT"

echo "== the federation operator creates its key and an empty roster"
"$CLI" roster init --key "$ROOT/operator.key" --roster "$ROOT/roster.json" --federation "Démo bibia"

declare -A PORT=([nantes]=7711 [rennes]=7712 [mirror]=7713)
declare -A TIER=([nantes]=expert [rennes]=restricted [mirror]=public)
declare -A NAME=([nantes]="Nantes Métropole" [rennes]="Rennes Métropole" [mirror]="Miroir public")
PIDS=()
# Ctrl-C stops the nodes, removes their port files (nothing listens there
# any more) and ends the demo as a success; so does the end of the script.
stop_nodes() {
  kill -TERM "${PIDS[@]}" 2>/dev/null || true
  wait || true
  rm -f "$ROOT"/*.port
}
trap 'stop_nodes; exit 0' INT TERM
trap stop_nodes EXIT
for id in nantes rennes mirror; do
  "$NODE" init --data-dir "$ROOT/$id" --id "$id" --collectivity "${NAME[$id]}" \
    --endpoint "127.0.0.1:${PORT[$id]}" --operator-key "$ROOT/operator.key.pub" >/dev/null
  "$NODE" --data-dir "$ROOT/$id" --listen "127.0.0.1:${PORT[$id]}" --port-file "$ROOT/$id.port" \
    --gossip-interval 1s 2>>"$ROOT/$id.log" &
  PIDS+=($!)
  "$NODE" identity --data-dir "$ROOT/$id" > "$ROOT/$id.identity.json"
  "$CLI" roster add-node --roster "$ROOT/roster.json" --key "$ROOT/operator.key" \
    --identity "$ROOT/$id.identity.json" --tier "${TIER[$id]}" >/dev/null
done
for id in nantes rennes mirror; do
  for _ in $(seq 1 100); do [ -s "$ROOT/$id.port" ] && break; sleep 0.1; done
done
"$CLI" roster show --roster "$ROOT/roster.json" --operator-key "$ROOT/operator.key.pub"

admin() {  # admin <node> <cli args...>: runs the CLI as that node's admin
  local id=$1; shift
  BIBIA_TOKEN=$("$NODE" token issue --data-dir "$ROOT/$id" --subject "admin@$id" --tier expert --role admin --ttl 1h) \
    "$CLI" --node "127.0.0.1:${PORT[$id]}" --ca "$ROOT/$id/tls.crt" "$@"
}

echo "== each node installs the roster and picks its peers"
for id in nantes rennes mirror; do admin "$id" roster install "$ROOT/roster.json" >/dev/null; done
admin rennes peer add nantes
admin mirror peer add rennes
admin mirror peer add nantes
admin nantes peer add rennes

echo "== Nantes publishes the demo catalogue"
admin nantes import deploy/demo/projects.json
for _ in $(seq 1 100); do
  n=$(BIBIA_TOKEN= "$CLI" --node "127.0.0.1:${PORT[mirror]}" --ca "$ROOT/mirror/tls.crt" --json stats \
        | sed -n 's/.*"projects": "\{0,1\}\([0-9]*\).*/\1/p')
  [ "${n:-0}" -ge 47 ] && break
  sleep 0.2
done

echo "== what each node holds"
for id in nantes rennes mirror; do
  printf '%-7s ' "$id"; admin "$id" --json stats | tr -d '\n ' | sed 's/,"by_facet.*//'; echo
done
echo "== the public mirror never received the other facets: asked with its own expert admin token,"
echo "   it has the public facet of a Nantes project and no other, and none of its feedback:"
admin mirror --json project get nantes-prevision-frequentation-cantines | grep -oE '^  "(public|restricted|expert)"'
admin mirror feedback list nantes-prevision-frequentation-cantines | head -3 || true
echo "== Rennes (restricted) has the feedback:"
admin rennes feedback list nantes-prevision-frequentation-cantines | head -4
echo "== federation status on the mirror:"
admin mirror federation status
echo
echo "Nodes: nantes 127.0.0.1:${PORT[nantes]}, rennes :${PORT[rennes]}, mirror :${PORT[mirror]} (data in $ROOT). Ctrl-C stops them."
wait
