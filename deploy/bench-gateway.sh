#!/usr/bin/env bash
# Measures the gateway with the peer benchmark kit (../shared/bench) in the same run as HAProxy,
# nginx and YARP: every row of docs/performance.md from one command. The gateway runs pinned to
# core 1 like every peer; an embedded silo feeds it one app "bench" whose dedicated address is
# 127.0.0.1 (what the kit dials):
#   port 25201, no handlers      -> iperf3 on 127.0.0.2:15201                       (tcp)
#   port 28443, ["tls"]          -> the origin on 127.0.0.2:18080 (the kit's ECDSA certificate)
#   port 28080, ["http"]         -> the origin: HTTP/1.1 and h2c (h1-tiny, h1-64k, h1-c1, h2c)
#   port 28444, ["tls","http"]   -> TLS with ALPN h2/http1.1, then the HTTP handler (tls-ka, tls-hs, h2-tls)
# usage: deploy/bench-gateway.sh
#   env: ROUNDS (2) DURATION (8) SCENARIOS (all: "h1-tiny h1-64k h1-c1 tcp tls-ka tls-hs h2-tls h2c")
#        PEERS ("haproxy nginx yarp"; yarp needs /tmp/yarp/out/yarp.dll, see ../shared/bench/README.md)
#        HOLD=1 starts and warms everything, then waits (for dotnet-trace/dotnet-counters/strace) instead of measuring
#        GATEWAY_ENV="K=V ..." adds environment to the gateway (A/B of settings: Mesh__Gateway__...)
#        MESH_GATEWAY_DLL=path runs another gateway build (e.g. a ReadyToRun publish) against the same setup
#        TLS=raw measures the tls handler's port (28443) in the TLS groups instead of tls+http
#        GATEWAY_WARMUP (8) seconds of each kind of traffic through the gateway before the first row; 0 = cold
#   needs: apt-get install -y haproxy wrk nghttp2-client iperf3 (and nginx, as the tests do)
set -euo pipefail
for tool in haproxy wrk h2load iperf3 nginx; do
  command -v "$tool" >/dev/null || { echo "bench-gateway: $tool is missing (apt-get install -y haproxy wrk nghttp2-client iperf3 nginx-light)" >&2; exit 1; }
done
source "$(dirname "$0")/lib.sh"
bench="${BENCH:-$MESH_ROOT/../shared/bench}"
mesh_build
export BP_WORK="${BP_WORK:-/tmp/bench-peers}"
# shellcheck source=/dev/null
source "$bench/lib.sh"
bp_ensure_certs

data=$(mktemp -d)
trap 'mesh_stop_all; rm -rf "$data"' EXIT
mesh() { MESH_DATA_DIR="$data" mesh_cli "$@"; }

# The kit dials every system under test at 127.0.0.1, so that is the app's public address; a
# public address is never an instance's (InstanceAddressPolicy), so the origin and iperf3 are
# reached at 127.0.0.2. The kit's origin, started here, listens on both (run-all.sh keeps an
# origin that already listens); iperf3 binds one address or all, so all.
mkdir -p "$BP_WORK/run" "$BP_WORK/logs" "$BP_WORK/www"
bp_write_backend_conf
sed -i -E 's/^(\s*)listen 127\.0\.0\.1:([0-9]+)(.*)$/\1listen 127.0.0.1:\2\3\n\1listen 127.0.0.2:\2\3/' "$BP_WORK/backend-nginx.conf"
mesh_start "$BP_WORK/logs/backend-nginx.err" taskset -c "${LOAD_CPU:-0}" nginx -e stderr -p "$BP_WORK" -c "$BP_WORK/backend-nginx.conf"
mesh_start "$BP_WORK/logs/iperf3-server.log" taskset -c "${LOAD_CPU:-0}" iperf3 -s -p "${IPERF_PORT:-15201}"
bp_wait_port 18080 || { echo "bench-gateway: the origin did not start ($BP_WORK/logs/backend-nginx.err)" >&2; exit 1; }
bp_wait_port "${IPERF_PORT:-15201}" || { echo "bench-gateway: iperf3 did not start" >&2; exit 1; }

mesh_start "$data/silo.log" env Mesh__IpPool__DedicatedV4=127.0.0.1/32 dotnet "$(silo_dll)" \
  --data-dir "$data" --silo-port 21911 --gateway-port 21912
mesh_wait "$data/silo.log" "mesh-silo ready"
cat > "$data/fly.toml" <<TOML
app = "bench"
[[services]]
  internal_port = 15201
  [[services.ports]]
    port = 25201
[[services]]
  internal_port = 18080
  [[services.ports]]
    port = 28443
    handlers = ["tls"]
    [services.ports.tls_options]
      alpn = ["http/1.1"]
[[services]]
  internal_port = 18080
  # Pooled upstream connections, as the peers proxy (the default, "connections", opens one per request).
  [services.concurrency]
    type = "requests"
  [[services.ports]]
    port = 28080
    handlers = ["http"]
  [[services.ports]]
    port = 28444
    handlers = ["tls", "http"]
TOML
mesh apps create bench >/dev/null
mesh deploy -a bench -c "$data/fly.toml" >/dev/null
mesh ips allocate-v4 -a bench >/dev/null
mesh certs add localhost -a bench --skip-ownership-check --cert "$BP_WORK/certs/ecdsa.crt" --key "$BP_WORK/certs/ecdsa.key" >/dev/null
mesh instances add -a bench --region ams --address 127.0.0.2:15201 >/dev/null

mesh_start "$data/gateway.log" env DOTNET_gcServer=1 $(gateway_runtime_env) ${GATEWAY_ENV:-} taskset -c "${SUT_CPU:-1}" dotnet "$(gateway_dll)" \
  --data-dir "$data" --region ams --admin-port 0
mesh_wait "$data/gateway.log" "mesh-gateway ready"

# The gateway is measured warm, as a gateway in service is: a .NET process runs its first seconds
# of every new path at the JIT's unoptimised tier, and the kit's 3 s warm-up before each target
# leaves the first rows (h1-tiny, measured first) partly cold. Each kind of traffic once, on the
# load core, before any row; GATEWAY_WARMUP=0 measures a cold gateway (docs/performance.md).
warm_gateway() {
  local s=${GATEWAY_WARMUP:-8} l=${LOAD_CPU:-0}
  [ "$s" -gt 0 ] || return 0
  echo "bench-gateway: warming the gateway (${s}s per kind of traffic)"
  taskset -c "$l" wrk -t1 -c64 -d"${s}s" http://127.0.0.1:28080/ >/dev/null 2>&1 || true
  taskset -c "$l" wrk -t1 -c64 -d"${s}s" http://127.0.0.1:28080/64k >/dev/null 2>&1 || true
  taskset -c "$l" wrk -t1 -c64 -d"${s}s" https://127.0.0.1:28444/ >/dev/null 2>&1 || true
  taskset -c "$l" wrk -t1 -c64 -d"$(( (s + 1) / 2 ))s" -H 'Connection: close' https://127.0.0.1:28444/ >/dev/null 2>&1 || true
  taskset -c "$l" h2load -t1 -c16 -m16 -D "$s" https://127.0.0.1:28444/ >/dev/null 2>&1 || true
  taskset -c "$l" h2load -t1 -c16 -m16 -D "$(( (s + 1) / 2 ))" http://127.0.0.1:28080/ >/dev/null 2>&1 || true
  taskset -c "$l" iperf3 -c 127.0.0.1 -p 25201 -t "$(( (s + 1) / 2 ))" >/dev/null 2>&1 || true
}

cd "$bench"
warm_gateway
if [ "${HOLD:-0}" = 1 ]; then
  # For profiling: the origin, the silo and the gateway stay up until Ctrl-C.
  echo "bench-gateway: holding; gateway pid $(pgrep -f "$(gateway_dll)" | head -1), ports tcp 25201 tls 28443 http 28080 tls+http 28444"
  while :; do sleep 3600; done
fi
ROUNDS="${ROUNDS:-2}" DURATION="${DURATION:-8}" PEERS="${PEERS:-haproxy nginx yarp}" \
  SCENARIOS="${SCENARIOS:-h1-tiny h1-64k h1-c1 tcp tls-ka tls-hs h2-tls h2c}" \
  GW_TCP_PORT=25201 GW_HTTP_PORT=28080 GW_H2C_PORT=28080 GW_TLS_PORT=$([ "${TLS:-http}" = raw ] && echo 28443 || echo 28444) ./run-all.sh
