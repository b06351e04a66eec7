#!/usr/bin/env bash
# A local IngressFleet fleet on one machine: redis-server, N silo processes, the demo's echo backends,
# and HAProxy in TCP mode standing in for the cloud NLB, health-checking each silo's readiness.
#
#   deploy/local/fleet.sh up [N]    start (default N=3); prints the ports
#   deploy/local/fleet.sh status    what runs, and the fleet view
#   deploy/local/fleet.sh down      stop exactly what 'up' started (PIDs from the run folder)
#
# Environment: RUN_DIR (default run/fleet), MANIFESTS (default deploy/local/demo), FRONT_PORT (default 8080),
# REDIS_PORT (default 6390), PROXY_PROTOCOL (1: HAProxy sends PROXY protocol v2 and the silos require it, so
# the silos see each client's own address). Silo i listens on HTTP 8100+i, HTTPS 8400+i, admin 9100+i, silo 11110+i,
# gateway 30010+i; HAProxy passes TLS through on the front port + 1 (as an NLB on 443 would).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
run=${RUN_DIR:-$repo/run/fleet}
manifests=${MANIFESTS:-$repo/deploy/local/demo}
front=${FRONT_PORT:-8080}
front_tls=$((front + 1))
redis_port=${REDIS_PORT:-6390}
host_bin=$repo/src/IngressFleet.Host/bin/Release/net10.0/IngressFleet.Host
proxy_protocol=${PROXY_PROTOCOL:-0}
silo_extra=() server_extra=""
if [ "$proxy_protocol" = 1 ]; then silo_extra=(--proxy-protocol); server_extra=" send-proxy-v2"; fi
# Let the JIT optimize hot code at once instead of after 100 ms (x10 on one core) of no new JIT activity.
export DOTNET_TC_CallCountingDelayMs=0

need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 && continue
    echo "installing $tool's package"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server haproxy >/dev/null
    return
  done
}

start() { # name, command...: runs it in the background, logs and PID in the run folder
  local name=$1; shift
  "$@" >"$run/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
}

up() {
  local n=${1:-3}
  [ -e "$run/redis.pid" ] && { echo "a fleet already runs from $run; '$0 down' first"; exit 1; }
  need redis-server haproxy
  mkdir -p "$run"
  dotnet build "$repo/src/IngressFleet.Host" -c Release -nologo -clp:ErrorsOnly >/dev/null

  start redis redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no
  start demo-backends "$host_bin" demo-backends
  for i in $(seq 1 "$n"); do
    start "silo-$i" "$host_bin" --cluster redis --redis "127.0.0.1:$redis_port" --name "silo-$i" \
      --manifests "$manifests" --listen-address 127.0.0.1 --http-port $((8100 + i)) --admin-port $((9100 + i)) \
      --https-port $((8400 + i)) --https-redirect-port "$front_tls" --silo-port $((11110 + i)) --gateway-port $((30010 + i)) --shutdown-delay 2 --drain-timeout 10 \
      ${silo_extra[@]+"${silo_extra[@]}"}
  done

  {
    echo "global"
    echo "  maxconn 4000"
    echo "defaults"
    echo "  mode tcp"
    echo "  timeout connect 2s"
    echo "  timeout client 60s"
    echo "  timeout server 60s"
    echo "frontend nlb"
    echo "  bind 127.0.0.1:$front"
    echo "  default_backend silos"
    echo "backend silos"
    echo "  balance roundrobin"
    echo "  option httpchk GET /healthz/ready"
    echo "  default-server inter 500ms fall 2 rise 2"
    for i in $(seq 1 "$n"); do
      echo "  server silo-$i 127.0.0.1:$((8100 + i)) check port $((9100 + i))$server_extra"
    done
    echo "frontend nlb-tls"
    echo "  bind 127.0.0.1:$front_tls"
    echo "  default_backend silos-tls"
    echo "backend silos-tls"
    echo "  balance roundrobin"
    echo "  option httpchk GET /healthz/ready"
    echo "  default-server inter 500ms fall 2 rise 2"
    for i in $(seq 1 "$n"); do
      echo "  server silo-$i 127.0.0.1:$((8400 + i)) check port $((9100 + i))$server_extra"
    done
  } >"$run/haproxy.cfg"
  start haproxy haproxy -db -f "$run/haproxy.cfg"

  echo "waiting for $n silos to be ready..."
  for _ in $(seq 1 120); do
    local ready=0
    for i in $(seq 1 "$n"); do
      curl -fs "http://127.0.0.1:$((9100 + i))/healthz/ready" >/dev/null 2>&1 && ready=$((ready + 1))
    done
    [ "$ready" -eq "$n" ] && break
    sleep 0.5
  done
  echo "fleet of $n silos up (run folder $run); $ready ready"
  echo "  front (HAProxy, TCP):  curl -H 'Host: shop.example.com' 127.0.0.1:$front/"
  echo "  fleet view:            curl 127.0.0.1:9101/api/v1/fleet"
  echo "  silo i:                HTTP 127.0.0.1:$((8100 + 1))..$((8100 + n)), admin 127.0.0.1:$((9100 + 1))..$((9100 + n))"
}

stop_all() { # names...: SIGTERM each, then wait for all (SIGKILL after 30 s)
  local pids=()
  for name in "$@"; do
    [ -e "$run/$name.pid" ] || continue
    pids+=("$(cat "$run/$name.pid")")
    kill -TERM "${pids[-1]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for name in "$@"; do rm -f "$run/$name.pid"; done
}

down() {
  [ -d "$run" ] || { echo "nothing runs from $run"; return; }
  # The NLB first, then the silos together (they drain and leave the cluster), Redis last: silos need it to leave.
  stop_all haproxy
  local silos=()
  for pidfile in "$run"/silo-*.pid; do [ -e "$pidfile" ] && silos+=("$(basename "$pidfile" .pid)"); done
  stop_all "${silos[@]}"
  stop_all demo-backends redis
  echo "fleet in $run stopped (logs kept)"
}

status() {
  for pidfile in "$run"/*.pid; do
    [ -e "$pidfile" ] || continue
    local name; name=$(basename "$pidfile" .pid)
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "$name: running"; else echo "$name: gone"; fi
  done
  curl -fs 127.0.0.1:9101/api/v1/fleet || true
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  status) status ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
