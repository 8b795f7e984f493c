#!/usr/bin/env bash
# Memory per idle proxied connection: opens N (10,000) client connections through the gateway
# to a raw TCP service whose instance holds them open, and reports the gateway's RSS growth
# divided by N. Each proxied connection costs the gateway two sockets and their pipes.
# usage: deploy/bench-idle-connections.sh [N]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n="${1:-10000}"
mesh_build
ulimit -n "$(ulimit -Hn)"  # a sandbox may cap the hard limit (20,000 here): keep N under half of it
data=$(mktemp -d)
trap 'mesh_stop_all; rm -rf "$data"' EXIT
mesh() { MESH_DATA_DIR="$data" mesh_cli "$@"; }

mesh_start "$data/silo.log" env Mesh__IpPool__DedicatedV4=127.66.0.0/24 dotnet "$(silo_dll)" \
  --data-dir "$data" --silo-port 21921 --gateway-port 21922
mesh_wait "$data/silo.log" "mesh-silo ready"
printf '[[services]]\n  internal_port = 17777\n  [[services.ports]]\n    port = 17777\n' > "$data/fly.toml"
mesh apps create idle >/dev/null
mesh deploy -a idle -c "$data/fly.toml" >/dev/null
address=$(mesh ips allocate-v4 -a idle --json | grep -o '"address": "[^"]*"' | cut -d'"' -f4)
mesh instances add -a idle --region ams --address 127.0.0.1:17777 >/dev/null

python3 - "$n" > "$data/holder.log" 2>&1 <<'PY' &
import asyncio, sys, resource
resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
held = []
async def serve(r, w):
    held.append(w)
    if len(held) % 1000 == 0: print(f"held {len(held)}", flush=True)
    await r.read()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 17777, backlog=4096)
    print("holder ready", flush=True)
    await server.serve_forever()
asyncio.run(main())
PY
MESH_PIDS+=($!)
mesh_wait "$data/holder.log" "holder ready"

mesh_start "$data/gateway.log" env $(gateway_runtime_env) dotnet "$(gateway_dll)" --data-dir "$data" --region ams --admin-port 0
gw=${MESH_PIDS[-1]}
mesh_wait "$data/gateway.log" "mesh-gateway ready"
# Warm the path once so JIT and pools are not counted as per-connection cost.
python3 -c "import socket; s=socket.create_connection(('$address',17777)); s.close()"
sleep 1
python3 - "$address" "$n" "$data/holder.log" "$gw" <<'PY'
import socket, sys, resource, time
resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
address, n, log, gw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def rss():
    return int(next(l for l in open(f"/proc/{gw}/status") if l.startswith("VmRSS")).split()[1])
before = rss()
socks = []
for i in range(n):
    socks.append(socket.create_connection((address, 17777)))
# Wait until the instance holds them all (each went through the gateway).
deadline = time.time() + 120
while time.time() < deadline:
    lines = [l for l in open(log) if l.startswith("held")]
    if lines and int(lines[-1].split()[1]) >= n - (n % 1000): break
    time.sleep(0.5)
time.sleep(3)
after = rss()
print(f"gateway RSS before={before} KiB after={after} KiB connections={n} per_connection={(after - before) * 1024 // n} bytes")
PY
