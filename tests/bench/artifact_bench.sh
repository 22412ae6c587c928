#!/usr/bin/env bash
# Artifact transfer benchmark (docs/benchmarks.md, "Artifacts"): a random file
# pushed to and pulled from a bibia-node over loopback, plaintext and TLS, with
# throughput and the peak resident memory of client and node; the same file
# pulled from an rsync daemon on 127.0.0.1 in the same run; and the bytes a
# new version moves (scattered 1 KiB changes, 1 KiB inserted at the start)
# against rsync's delta transfer of the same change; and a pull through a
# second node of the federation that fetches every chunk from the origin
# over mutual TLS (pull-through).
# Usage: tests/bench/artifact_bench.sh [--size-mib N] [--build DIR] [--keep]
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=1024
BUILD=build
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) SIZE_MIB="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
NODE="$PWD/$BUILD/node/bibia-node"
CLI="$PWD/$BUILD/cli/bibia"
for b in "$NODE" "$CLI" /usr/bin/rsync /usr/bin/time; do
  [ -x "$b" ] || { echo "missing $b (bash deploy/build.sh bibia-node bibia; apt-get install rsync time)" >&2; exit 1; }
done
W=$(mktemp -d /tmp/bibia-artifact-bench-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$KEEP" = 0 ]; then rm -rf "$W"; else echo "kept $W"; fi
}
trap cleanup EXIT

# Scattered changes: 100 of 1 KiB per 256 MiB (at least 10), at random offsets.
CHANGES=$(( SIZE_MIB * 100 / 256 )); [ "$CHANGES" -lt 10 ] && CHANGES=10
echo "bibia artifact benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average at start: $(cut -d" " -f1-3 /proc/loadavg)"
echo "file: ${SIZE_MIB} MiB random; v2: ${CHANGES} scattered 1 KiB changes; v3: 1 KiB inserted at the start"
head -c $((SIZE_MIB << 20)) /dev/urandom > "$W/v1"
python3 - "$W" "$CHANGES" <<'PY'
import os, random, sys
w, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
size = os.path.getsize(f"{w}/v1")
with open(f"{w}/v1", "rb") as src, open(f"{w}/v2", "wb") as dst:
    while True:
        b = src.read(64 << 20)
        if not b: break
        dst.write(b)
with open(f"{w}/v2", "r+b") as f:
    for _ in range(n):
        f.seek(random.randrange(0, size - 1024)); f.write(os.urandom(1024))
with open(f"{w}/v1", "rb") as src, open(f"{w}/v3", "wb") as dst:
    dst.write(os.urandom(1024))
    while True:
        b = src.read(64 << 20)
        if not b: break
        dst.write(b)
PY

# The federation's operator key and roster (for the pull-through part).
"$CLI" roster init --key "$W/op.key" --roster "$W/roster.json" --federation Bench >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_node() {  # start_node NAME [flags...] -> sets ADDR, NODE_PID, TOKEN
  local name=$1; shift
  local dir="$W/$name"
  local port; port=$(free_port)
  "$NODE" init --data-dir "$dir" --id "$name" --collectivity "Ville de $name" --endpoint "127.0.0.1:$port" \
    --operator-key "$W/op.key.pub" >/dev/null
  "$NODE" --data-dir "$dir" --listen "127.0.0.1:$port" --port-file "$dir/port" --disk-reserve-mib 0 --no-gossip \
    --no-http "$@" >"$dir.log" 2>&1 &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  for _ in $(seq 1 300); do [ -s "$dir/port" ] && break; sleep 0.1; done
  ADDR=$(head -1 "$dir/port")
  TOKEN=$("$NODE" token issue --data-dir "$dir" --subject bench --tier expert --role editor --ttl 1h)
}

peak_rss_mib() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# timed OUTFILE cmd...: runs cmd, stdout to OUTFILE; sets SECS and RSS (MiB, peak of cmd).
timed() {
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$out"
  SECS=$(cut -d' ' -f1 "$W/time")
  RSS=$(awk '{printf "%.0f", $2/1024}' "$W/time")
}
mbps() { python3 -c "print(f'{$1 / 1e6 / max($2, 1e-9):.0f}')"; }
field() { python3 -c "import json,sys; print(json.load(open('$1')).get('$2', 0))"; }
BYTES=$((SIZE_MIB << 20))
PROJECT='{"public": {"id": "bench", "collectivity": {"name": "Bench"}, "title_fr": "Banc", "domain": "DOMAIN_WATER", "status": "STATUS_PILOT"}}'
echo "$PROJECT" > "$W/project.json"

printf '\n%-44s %8s %8s %12s %10s\n' "transfer" "seconds" "MB/s" "client MiB" "node MiB"
for mode in plaintext tls; do
  if [ $mode = plaintext ]; then
    start_node "node-$mode" --insecure; CONN=(--node "$ADDR" --insecure)
  else
    start_node "node-$mode"; CONN=(--node "$ADDR" --ca "$W/node-$mode/tls.crt")
  fi
  B=("$CLI" "${CONN[@]}" --token "$TOKEN" --timeout 60)
  "${B[@]}" project put "$W/project.json" >/dev/null
  timed "$W/push-$mode.json" "${B[@]}" artifact push bench "$W/v1" --name model --kind model --format other \
    --licence MIT --json
  printf '%-44s %8s %8s %12s %10s\n' "push $mode" "$SECS" "$(mbps $BYTES $SECS)" "$RSS" "-"
  mkdir -p "$W/pull-$mode"
  timed "$W/pull-$mode.json" "${B[@]}" artifact pull bench/model -o "$W/pull-$mode/v1" --json
  cmp -s "$W/v1" "$W/pull-$mode/v1" || { echo "pulled file differs!" >&2; exit 1; }
  printf '%-44s %8s %8s %12s %10s\n' "pull $mode (empty directory)" "$SECS" "$(mbps $BYTES $SECS)" "$RSS" \
    "$(peak_rss_mib "$NODE_PID")"
  if [ $mode = plaintext ]; then
    PLAIN_PULL=$SECS
    # Dedup: new versions pushed next to v1.
    timed "$W/push-v2.json" "${B[@]}" artifact push bench "$W/v2" --name model --kind model --format other \
      --licence MIT --json
    V2_SENT=$(field "$W/push-v2.json" bytes_sent)
    timed "$W/push-v3.json" "${B[@]}" artifact push bench "$W/v3" --name model --kind model --format other \
      --licence MIT --json
    V3_SENT=$(field "$W/push-v3.json" bytes_sent)
    timed "$W/pull-v2.json" "${B[@]}" artifact pull bench/model@2 -o "$W/pull-$mode/v2" --from "$W/v1" --json
    V2_FETCHED=$(field "$W/pull-v2.json" bytes_fetched)
    V2_PULL_SECS=$SECS
    cmp -s "$W/v2" "$W/pull-$mode/v2" || { echo "pulled v2 differs!" >&2; exit 1; }
    REPUSH_SENT=$(timed "$W/repush.json" "${B[@]}" artifact push bench "$W/v1" --name model --version 1 \
      --kind model --format other --licence MIT --json; field "$W/repush.json" bytes_sent)
    PLAIN_NODE_RSS=$(peak_rss_mib "$NODE_PID")
  fi
done

# Pull-through: a second node (TLS), member of the same federation as the
# TLS node that holds v1, receives the manifest, then serves a pull of it by
# fetching every chunk from the origin over mutual TLS.
ORIGIN_DIR="$W/node-tls"; ORIGIN_PID=$NODE_PID
start_node member; MEMBER_ADDR=$ADDR; MEMBER_PID=$NODE_PID; MEMBER_TOKEN=$TOKEN
for n in node-tls member; do
  "$NODE" identity --data-dir "$W/$n" >"$W/$n.identity.json"
  "$CLI" roster add-node --roster "$W/roster.json" --key "$W/op.key" --identity "$W/$n.identity.json" \
    --tier expert >/dev/null
done
admin() {  # admin NODE-NAME ADDR cli-args...
  local n=$1 addr=$2; shift 2
  "$CLI" --node "$addr" --ca "$W/$n/tls.crt" --timeout 600 \
    --token "$("$NODE" token issue --data-dir "$W/$n" --subject admin --tier expert --role admin --ttl 1h)" "$@"
}
admin node-tls "$(head -1 "$ORIGIN_DIR/port")" roster install "$W/roster.json" >/dev/null
admin member "$MEMBER_ADDR" roster install "$W/roster.json" >/dev/null
admin member "$MEMBER_ADDR" peer add node-tls >/dev/null
admin member "$MEMBER_ADDR" sync >/dev/null
mkdir -p "$W/pull-through"
M=("$CLI" --node "$MEMBER_ADDR" --ca "$W/member/tls.crt" --token "$MEMBER_TOKEN" --timeout 600)
timed "$W/pull-through.json" "${M[@]}" artifact pull bench/model@1 -o "$W/pull-through/v1" --json
cmp -s "$W/v1" "$W/pull-through/v1" || { echo "file pulled through the member differs!" >&2; exit 1; }
printf '%-44s %8s %8s %12s %10s\n' "pull through a member (fetches from origin)" "$SECS" "$(mbps $BYTES $SECS)" \
  "$RSS" "$(peak_rss_mib "$MEMBER_PID")"
timed "$W/pull-cached.json" "${M[@]}" artifact pull bench/model@1 -o "$W/pull-through/again" --json
printf '%-44s %8s %8s %12s %10s\n' "pull again from the member (kept chunks)" "$SECS" "$(mbps $BYTES $SECS)" \
  "$RSS" "$(peak_rss_mib "$MEMBER_PID")"
echo "origin node peak RSS after serving the member: $(peak_rss_mib "$ORIGIN_PID") MiB"

# rsync daemon on 127.0.0.1, the same file.
RPORT=$(free_port)
mkdir -p "$W/rsync-src" "$W/rsync-pull"
cp "$W/v1" "$W/rsync-src/v1"
cat >"$W/rsyncd.conf" <<CONF
use chroot = no
uid = $(id -un)
gid = $(id -gn)
pid file = $W/rsyncd.pid
[m]
path = $W/rsync-src
read only = false
CONF
rsync --daemon --no-detach --address 127.0.0.1 --port "$RPORT" --config "$W/rsyncd.conf" &
PIDS+=($!)
for _ in $(seq 1 100); do rsync "rsync://127.0.0.1:$RPORT/" >/dev/null 2>&1 && break; sleep 0.1; done
timed "$W/rsync-pull.txt" rsync --stats "rsync://127.0.0.1:$RPORT/m/v1" "$W/rsync-pull/v1"
printf '%-44s %8s %8s %12s %10s\n' "rsync daemon pull (empty directory)" "$SECS" "$(mbps $BYTES $SECS)" "$RSS" "-"
RSYNC_PULL=$SECS
echo
echo "plaintext pull vs rsync: $(python3 -c "print(f'{$RSYNC_PULL / $PLAIN_PULL:.2f}')") x rsync's speed (target >= 1, aim 2)"
echo "peak node RSS (plaintext node, whole run): $PLAIN_NODE_RSS MiB (target < 256)"

# rsync delta transfers of the same changes: push v2 and v3 over v1.
cp "$W/v1" "$W/rsync-src/target2"; cp "$W/v1" "$W/rsync-src/target3"
rsync --stats --no-whole-file "$W/v2" "rsync://127.0.0.1:$RPORT/m/target2" >"$W/rsync-v2.txt"
rsync --stats --no-whole-file "$W/v3" "rsync://127.0.0.1:$RPORT/m/target3" >"$W/rsync-v3.txt"
R2=$(awk -F': ' '/Total bytes sent/ {gsub(",", "", $2); print $2}' "$W/rsync-v2.txt")
R3=$(awk -F': ' '/Total bytes sent/ {gsub(",", "", $2); print $2}' "$W/rsync-v3.txt")
pct() { python3 -c "print(f'{100 * $1 / $2:.2f} %')"; }
printf '\n%-52s %14s %10s %14s %10s\n' "new version" "bibia bytes" "of file" "rsync bytes" "of file"
printf '%-52s %14s %10s %14s %10s\n' "v2: $CHANGES scattered 1 KiB changes (push)" "$V2_SENT" "$(pct $V2_SENT $BYTES)" "$R2" "$(pct $R2 $BYTES)"
printf '%-52s %14s %10s %14s %10s\n' "v2 pulled with --from v1 (fetched)" "$V2_FETCHED" "$(pct $V2_FETCHED $BYTES)" "-" "-"
printf '%-52s %14s %10s %14s %10s\n' "v3: 1 KiB inserted at the start (push)" "$V3_SENT" "$(pct $V3_SENT $BYTES)" "$R3" "$(pct $R3 $BYTES)"
printf '%-52s %14s\n' "identical re-push of v1 (bytes sent)" "$REPUSH_SENT"
echo "v2 pull with --from took ${V2_PULL_SECS} s (chunks the old file, then fetches the rest)"
echo "load average at end: $(cut -d" " -f1-3 /proc/loadavg)"
