# Shared by mesh-up and the deploy/ scripts: build, start processes, wait for their ready lines, stop them.
# shellcheck shell=bash
MESH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESH_PIDS=()

mesh_build() {
  local p out
  for p in Mesh.Silo Mesh.Gateway Mesh.Cli Mesh.Whoami; do
    out=$(dotnet build "$MESH_ROOT/$p" -c Release -nologo -v quiet 2>&1) || { echo "$out"; return 1; }
  done
}

# mesh_start LOG COMMAND...: runs a program in the background, its output in LOG; stopped on exit.
mesh_start() {
  local log=$1; shift
  "$@" > "$log" 2>&1 &
  MESH_PIDS+=($!)
}

# mesh_wait LOG TEXT: waits (up to 2 minutes) for the program to print TEXT.
mesh_wait() {
  local _
  for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  cat "$1"; return 1
}

mesh_stop_all() {
  local pid
  for pid in "${MESH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

# The runtime settings every gateway runs with. Tiered compilation promotes a method to optimised
# code only after a quiet spell with no new method compiled: 100 ms, times 10 when the process has
# one core (TC_DelaySingleProcMultiplier). A gateway that starts under load keeps compiling new
# paths, so its hot methods stayed at tier 0 for 20-40 s (docs/performance.md); 0 starts counting at once.
gateway_runtime_env() { echo "DOTNET_TC_CallCountingDelayMs=0"; }

silo_dll() { echo "$MESH_ROOT/Mesh.Silo/bin/Release/net10.0/Mesh.Silo.dll"; }
gateway_dll() { echo "${MESH_GATEWAY_DLL:-$MESH_ROOT/Mesh.Gateway/bin/Release/net10.0/Mesh.Gateway.dll}"; }
whoami_dll() { echo "$MESH_ROOT/Mesh.Whoami/bin/Release/net10.0/Mesh.Whoami.dll"; }
mesh_cli() { dotnet "$MESH_ROOT/Mesh.Cli/bin/Release/net10.0/mesh.dll" "$@"; }
