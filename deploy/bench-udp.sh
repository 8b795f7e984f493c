#!/usr/bin/env bash
# UDP datagrams/s through the gateway next to socat relaying the same traffic, in the same run,
# each relay pinned to one core (SUT_CPU, default 1), and flow set-up latency. An embedded silo
# feeds the gateway one app "udpbench" whose dedicated address is 127.0.0.2:
#   udp port 25353 -> the echo server on 127.0.0.1:15353 (deploy/udp-load.c, built here with cc)
#   socat on 127.0.0.1:35353 -> the same echo server (UDP-LISTEN: one peer, like one flow)
# socat runs once, first to touch it: UDP-LISTEN relays for the first peer it hears from only.
# usage: deploy/bench-udp.sh     env: DURATION (5) FLOWS (1, the socat comparison) GW_FLOWS (16) WINDOW (32) SUT_CPU (1)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mesh_build
data=$(mktemp -d)
trap 'mesh_stop_all; rm -rf "$data"' EXIT
mesh() { MESH_DATA_DIR="$data" mesh_cli "$@"; }
cc -O2 -o "$data/udp-load" "$MESH_ROOT/deploy/udp-load.c"
load="$data/udp-load"

mesh_start "$data/echo.log" taskset -c 0 "$load" echo 15353
mesh_start "$data/silo.log" env Mesh__IpPool__DedicatedV4=127.0.0.2/32 dotnet "$(silo_dll)" \
  --data-dir "$data" --silo-port 21921 --gateway-port 21922
mesh_wait "$data/silo.log" "mesh-silo ready"
cat > "$data/fly.toml" <<TOML
app = "udpbench"
[[services]]
  internal_port = 15353
  protocol = "udp"
  [[services.ports]]
    port = 25353
TOML
mesh apps create udpbench >/dev/null
mesh deploy -a udpbench -c "$data/fly.toml" >/dev/null
mesh ips allocate-v4 -a udpbench >/dev/null
mesh instances add -a udpbench --region ams --address 127.0.0.1:15353 >/dev/null
mesh_start "$data/gateway.log" env DOTNET_gcServer=1 $(gateway_runtime_env) taskset -c "${SUT_CPU:-1}" dotnet "$(gateway_dll)" \
  --data-dir "$data" --region ams --admin-port 0
mesh_wait "$data/gateway.log" "Listening on udp 127.0.0.2:25353"
mesh_start "$data/socat.log" taskset -c "${SUT_CPU:-1}" socat -b65536 UDP4-LISTEN:35353,bind=127.0.0.1,reuseaddr UDP4:127.0.0.1:15353

d=${DURATION:-5} f=${FLOWS:-1} w=${WINDOW:-32}
# Warm-up (JIT, first flow), then the runs.
"$load" load 127.0.0.2 25353 1 "$f" "$w" >/dev/null
echo "direct (no relay): $("$load" load 127.0.0.1 15353 "$d" "$f" "$w")"
echo "gateway:           $("$load" load 127.0.0.2 25353 "$d" "$f" "$w")"
echo "socat:             $("$load" load 127.0.0.1 35353 "$d" "$f" "$w")"
echo "gateway, ${GW_FLOWS:-16} flows: $("$load" load 127.0.0.2 25353 "$d" "${GW_FLOWS:-16}" "$w")"
# socat's UDP-LISTEN serves its first peer only, so flow set-up is compared with the echo server dialled directly.
echo "gateway: $("$load" setup 127.0.0.2 25353 500 | paste -sd';')"
echo "direct:  $("$load" setup 127.0.0.1 15353 500 | paste -sd';')"
