#!/usr/bin/env bash
# Scale-out on an existing distributed broker: a 2-node RabbitMQ cluster on this machine, a publisher
# that fails over from one node to the other while it publishes QoS 1, and a subscriber that must
# get every message.
#   bash build/cluster.sh [--kill] [--queue-type classic|quorum] [--count N] [--rate PER_SECOND] [--stop-at N] [--timeout SECONDS]
# - Installs Debian's rabbitmq-server when it is missing (apt-get; the package's own service is not
#   started), builds PahoSharp (build/setup.sh).
# - Starts its own epmd and two nodes, rabbit1@localhost and rabbit2@localhost, on free ports chosen
#   now (AMQP, MQTT, Erlang distribution, epmd, the CLI's distribution port), every listener on
#   loopback (checked with ss; see common_env for the one instant at boot when RabbitMQ listens on
#   0.0.0.0); no management plugin. Joins node 2 to node 1, enables rabbitmq_mqtt on both. The
#   subscriber's session queue is a durable classic queue on the node it connects to
#   (mqtt.durable_queue_type = classic); --queue-type quorum makes it a quorum queue on both nodes,
#   which loses its majority when one of two nodes stops (the run then fails: see docs/cluster.md).
# - Runs tests/PahoSharp.Cluster: the publisher with server URIs [node 1, node 2] and automatic
#   reconnect, the subscriber (clean session false, QoS 1) on the other node. When the program asks
#   (after --stop-at acknowledgements), stops the publisher's node: `rabbitmqctl stop_app`, or with
#   --kill a SIGKILL of its Erlang VM.
# - Exits with the program's status: 0 when every message arrived and the publisher failed over, 1
#   otherwise. Stops both nodes and epmd on every way out (INT and TERM too).
#   PAHOSHARP_CLUSTER_KEEP=1 keeps the work directory (logs, data).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}
rabbit_bin=/usr/lib/rabbitmq/bin

kill_node=false
queue_type=classic
program_args=()
while (($#)); do
  case "$1" in
    --kill) kill_node=true ;;
    --queue-type)
      [[ ${2:-} == classic || ${2:-} == quorum ]] || { echo "cluster.sh: --queue-type classic or quorum" >&2; exit 2; }
      queue_type=$2
      shift
      ;;
    --count | --rate | --stop-at | --timeout)
      (($# >= 2)) || { echo "cluster.sh: $1 needs a number" >&2; exit 2; }
      program_args+=("$1" "$2")
      shift
      ;;
    *) echo "usage: bash build/cluster.sh [--kill] [--queue-type classic|quorum] [--count N] [--rate PER_SECOND] [--stop-at N] [--timeout SECONDS]" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '%s %s\n' "$(date +%H:%M:%S.%3N)" "$*"; }
started=$SECONDS

bash "$root/build/setup.sh" >/dev/null

if ! dpkg-query -W -f='${Status}' rabbitmq-server 2>/dev/null | grep -q 'install ok installed'; then
  say "installing rabbitmq-server"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  # The package would start its own node on every address with the default ports: deny that start
  # (policy-rc.d, read by invoke-rc.d and deb-systemd-invoke) unless a policy is already in place.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    own_policy=true
  fi
  install_log=$(mktemp)
  install_status=0
  { "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server; } >"$install_log" 2>&1 || install_status=$?
  ! $own_policy || "${sudo[@]}" rm -f "$policy"
  ((install_status == 0)) || { cat "$install_log" >&2; rm -f "$install_log"; exit "$install_status"; }
  rm -f "$install_log"
fi
[[ -x $rabbit_bin/rabbitmq-server ]] || { echo "cluster.sh: $rabbit_bin/rabbitmq-server is missing" >&2; exit 1; }

work=$(mktemp -d /tmp/pahosharp-cluster.XXXXXX)
chmod 755 "$work"
epmd_pid=""
program_pid=""
declare -A wrapper_pid=() beam_pid=()

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n $program_pid ]] && kill -0 "$program_pid" 2>/dev/null; then
    # timeout passes the signal on to the program.
    kill -TERM "$program_pid" 2>/dev/null
    wait "$program_pid" 2>/dev/null
  fi
  for n in 1 2; do
    [[ -n ${wrapper_pid[$n]:-} ]] || continue
    if [[ -n ${beam_pid[$n]:-} ]] && kill -0 "${beam_pid[$n]}" 2>/dev/null; then
      node_ctl "$n" 30 stop >/dev/null 2>&1
    fi
    kill -TERM "${wrapper_pid[$n]}" 2>/dev/null
    for _ in $(seq 1 100); do
      kill -0 "${wrapper_pid[$n]}" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "${wrapper_pid[$n]}" 2>/dev/null
    wait "${wrapper_pid[$n]}" 2>/dev/null
    if [[ -n ${beam_pid[$n]:-} ]]; then
      # The Erlang VM is the wrapper's grandchild: not ours to wait for, so watched until it is gone.
      kill -KILL "${beam_pid[$n]}" 2>/dev/null
      for _ in $(seq 1 100); do
        kill -0 "${beam_pid[$n]}" 2>/dev/null || break
        sleep 0.05
      done
    fi
  done
  if [[ -n $epmd_pid ]]; then
    kill -TERM "$epmd_pid" 2>/dev/null
    wait "$epmd_pid" 2>/dev/null
  fi
  if [[ ${PAHOSHARP_CLUSTER_KEEP:-} == 1 ]]; then
    echo "cluster.sh: kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Free ports, chosen now: nothing listens on them on any address, below Linux's ephemeral range.
picked=" "
free_port() {
  local port
  for _ in $(seq 1 1000); do
    port=$((20000 + RANDOM % 12000))
    [[ $picked != *" $port "* ]] || continue
    if [[ -z $(ss -Htuln "sport = :$port") ]]; then
      picked+="$port "
      printf -v "$1" '%s' "$port"
      return 0
    fi
  done
  echo "cluster.sh: no free port found" >&2
  return 1
}
free_port epmd_port
free_port ctl_port
declare -A amqp_port=() mqtt_port=() dist_port=()
for n in 1 2; do
  free_port "amqp_port[$n]"
  free_port "mqtt_port[$n]"
  free_port "dist_port[$n]"
done

# What every Erlang VM of this script shares: the cookie (in HOME), our epmd, and loopback for
# distribution. ERL_AFLAGS reaches every VM started from here: the nodes, the CLI tools, and the
# short-lived VMs that they start on their own to make sure epmd runs (erl -sname epmd-starter-...),
# which would otherwise listen on 0.0.0.0 for a moment. One listen stays beyond our reach: at boot,
# each node checks that its distribution port is free with gen_tcp:listen(Port, [inet, {reuseaddr,
# true}]), on 0.0.0.0, and closes it at once (kernel's inet_default_listen_options takes no address).
mkdir -p "$work/home"
head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$work/home/.erlang.cookie"
chmod 400 "$work/home/.erlang.cookie"
common_env=(
  HOME="$work/home"
  ERL_EPMD_ADDRESS=127.0.0.1
  ERL_EPMD_PORT="$epmd_port"
  ERL_AFLAGS="-kernel inet_dist_use_interface {127,0,0,1}"
  ERL_CRASH_DUMP="$work/erl_crash.dump"
  RABBITMQ_CONF_ENV_FILE="$work/no-rabbitmq-env.conf"
  RABBITMQ_CTL_DIST_PORT_MIN="$ctl_port"
  RABBITMQ_CTL_DIST_PORT_MAX="$ctl_port"
)
node_env() {
  local n=$1 dir="$work/rabbit$1"
  printf '%s\n' "${common_env[@]}" \
    RABBITMQ_NODENAME="rabbit$n@localhost" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="${amqp_port[$n]}" \
    RABBITMQ_DIST_PORT="${dist_port[$n]}" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log"
}
# node_tool TOOL N SECONDS ARGS...: RabbitMQ's TOOL (rabbitmqctl, rabbitmq-plugins) against node N,
# bounded, reading nothing (an Erlang VM may read its standard input, and stop_node_of runs inside the
# loop that reads the program's output).
node_tool() {
  local tool=$1 n=$2 seconds=$3
  shift 3
  local env_lines
  mapfile -t env_lines < <(node_env "$n")
  env "${env_lines[@]}" timeout -k 5 "$seconds" "$rabbit_bin/$tool" -n "rabbit$n@localhost" "$@" </dev/null
}
node_ctl() { node_tool rabbitmqctl "$@"; }
node_plugins() { node_tool rabbitmq-plugins "$@"; }

# wait_listening PORT SECONDS: until something listens on 127.0.0.1:PORT.
wait_listening() {
  local deadline=$((SECONDS + $2))
  until [[ -n $(ss -Htln "sport = :$1") ]]; do
    ((SECONDS < deadline)) || { echo "cluster.sh: nothing listens on port $1 after $2 s" >&2; return 1; }
    sleep 0.1
  done
}

epmd -address 127.0.0.1 -port "$epmd_port" >"$work/epmd.log" 2>&1 &
epmd_pid=$!
wait_listening "$epmd_port" 10
say "RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server), Erlang $(erl -noshell -eval 'io:put_chars(erlang:system_info(otp_release)), halt().'); epmd on 127.0.0.1:$epmd_port (pid $epmd_pid)"

start_node() {
  local n=$1 dir="$work/rabbit$1"
  mkdir -p "$dir"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:${amqp_port[$n]}
mqtt.listeners.tcp.default = 127.0.0.1:${mqtt_port[$n]}
distribution.listener.interface = 127.0.0.1
distribution.listener.port_range.min = ${dist_port[$n]}
distribution.listener.port_range.max = ${dist_port[$n]}
mqtt.allow_anonymous = true
mqtt.durable_queue_type = $queue_type
log.console = false
log.file.level = info
CONF
  echo '[].' >"$dir/enabled_plugins"
  local env_lines
  mapfile -t env_lines < <(node_env "$n")
  env "${env_lines[@]}" "$rabbit_bin/rabbitmq-server" >"$dir/server.out" 2>&1 &
  wrapper_pid[$n]=$!
}

await_node() {
  local n=$1 deadline=$((SECONDS + 120))
  # await_startup gives up at once on a node that epmd does not know yet.
  until epmd -port "$epmd_port" -names 2>/dev/null | grep -q "^name rabbit$n at port"; do
    ((SECONDS < deadline)) || { echo "cluster.sh: rabbit$n@localhost did not register with epmd in 120 s; $work/rabbit$n/server.out:" >&2; cat "$work/rabbit$n/server.out" >&2; return 1; }
    kill -0 "${wrapper_pid[$n]}" 2>/dev/null || { echo "cluster.sh: rabbit$n@localhost exited; $work/rabbit$n/server.out:" >&2; cat "$work/rabbit$n/server.out" >&2; return 1; }
    sleep 0.2
  done
  node_ctl "$n" 120 await_startup --timeout 110 >/dev/null
  beam_pid[$n]=$(node_ctl "$n" 30 eval 'os:getpid().' | tr -dc 0-9)
  say "rabbit$n@localhost up: AMQP 127.0.0.1:${amqp_port[$n]}, distribution 127.0.0.1:${dist_port[$n]} (Erlang VM pid ${beam_pid[$n]})"
}

boot_start=$SECONDS
start_node 1
start_node 2
await_node 1
await_node 2

node_ctl 2 60 stop_app >/dev/null
node_ctl 2 60 join_cluster rabbit1@localhost >/dev/null
node_ctl 2 60 start_app >/dev/null
node_ctl 2 120 await_startup --timeout 110 >/dev/null
say "cluster formed: running nodes $(node_ctl 1 30 eval 'rabbit_nodes:all_running().' | tr -d '\n ')"

for n in 1 2; do
  node_plugins "$n" 120 enable rabbitmq_mqtt >/dev/null
  wait_listening "${mqtt_port[$n]}" 60
  say "rabbitmq_mqtt enabled on rabbit$n@localhost: MQTT 127.0.0.1:${mqtt_port[$n]}"
done
say "cluster ready in $((SECONDS - boot_start)) s"

# Every listener of our processes (epmd, both Erlang VMs) must be on loopback: 127.0.0.1, and ::1
# for epmd, which always adds the loopback addresses to the one it is given.
check_loopback() {
  local pids="$epmd_pid ${beam_pid[1]} ${beam_pid[2]}" listeners bad
  listeners=$(ss -Htulnp | awk -v pids=" $pids " '{
      if (match($0, /pid=[0-9]+/)) { pid = substr($0, RSTART + 4, RLENGTH - 4); if (index(pids, " " pid " ")) print $1, $5, pid }
    }')
  echo "listeners of epmd and both nodes (ss -tulnp):"
  while read -r proto address pid; do
    local owner=epmd
    [[ $pid != "${beam_pid[1]}" ]] || owner=rabbit1@localhost
    [[ $pid != "${beam_pid[2]}" ]] || owner=rabbit2@localhost
    printf '  %-4s %-22s %s\n' "$proto" "$address" "$owner"
  done <<<"$listeners"
  bad=$(awk '$2 !~ /^127\.0\.0\.1:/ && $2 !~ /^\[::1\]:/' <<<"$listeners")
  if [[ -n $bad ]]; then
    echo "cluster.sh: listening beyond loopback:" >&2
    echo "$bad" >&2
    return 1
  fi
}
check_loopback

uri[1]="tcp://127.0.0.1:${mqtt_port[1]}"
uri[2]="tcp://127.0.0.1:${mqtt_port[2]}"

# stop_node_of URI: stops the node whose MQTT listener is URI (called when the program asks); sets
# stopped to its number.
stopped=""
stop_failed=false
stop_node_of() {
  local n
  for n in 1 2; do
    [[ $1 == "${uri[$n]}" ]] || continue
    local begin
    begin=$(date +%s%N)
    if $kill_node; then
      say "cluster.sh: SIGKILL to rabbit$n@localhost (Erlang VM pid ${beam_pid[$n]}), the publisher's node"
      kill -KILL "${beam_pid[$n]}"
    else
      say "cluster.sh: rabbitmqctl -n rabbit$n@localhost stop_app (the publisher's node)"
      node_ctl "$n" 60 stop_app >/dev/null || { stop_failed=true; return; }
    fi
    local deadline=$((SECONDS + 30))
    while [[ -n $(ss -Htln "sport = :${mqtt_port[$n]}") ]] && ((SECONDS < deadline)); do sleep 0.05; done
    if [[ -n $(ss -Htln "sport = :${mqtt_port[$n]}") ]]; then
      stop_failed=true
      say "cluster.sh: rabbit$n@localhost still listens on MQTT port ${mqtt_port[$n]}"
    else
      say "cluster.sh: rabbit$n@localhost stopped in $((($(date +%s%N) - begin) / 1000000)) ms; nothing listens on its MQTT port ${mqtt_port[$n]} any more"
    fi
    stopped=$n
    return
  done
  say "cluster.sh: no node has MQTT URI $1"
  stop_failed=true
}

program="$root/tests/PahoSharp.Cluster/bin/$configuration/net10.0/PahoSharp.Cluster"
echo
say "\$ ${program#"$root"/} --uris ${uri[1]},${uri[2]} ${program_args[*]}"
# The program writes into a FIFO that this shell reads line by line: the loop runs here, not in a
# pipeline's subshell, and a signal interrupts it (and runs cleanup) at once.
mkfifo "$work/program.out"
timeout -k 10 600 "$program" --uris "${uri[1]},${uri[2]}" "${program_args[@]}" >"$work/program.out" 2>&1 &
program_pid=$!
while IFS= read -r line; do
  printf '%s\n' "$line"
  if [[ $line =~ ^[0-9:.]+\ stop-node\ (.+)$ ]]; then
    stop_node_of "${BASH_REMATCH[1]}"
  fi
done <"$work/program.out"
status=0
wait "$program_pid" || status=$?
program_pid=""
echo
say "program exit status: $status"

if [[ -n $stopped ]]; then
  survivor=$((3 - stopped))
  echo "what RabbitMQ logged about the publisher (client id cluster-publisher):"
  for n in 1 2; do
    grep -h "client id: cluster-publisher" "$work/rabbit$n/log/rabbit$n@localhost.log" | sed -E "s/^[0-9-]+ ([0-9:.]+)[^ ]* \[[a-z]+\] <[^>]*> /  rabbit$n: \1 /" || true
  done
  echo "the subscriber's queue on rabbit$survivor@localhost:"
  node_ctl "$survivor" 30 list_queues -q name type durable messages pid | sed 's/^/  /'
  echo "running nodes seen by rabbit$survivor@localhost: $(node_ctl "$survivor" 30 eval 'rabbit_nodes:all_running().' | tr -d '\n ')"
else
  echo "cluster.sh: the program never asked for a node to be stopped" >&2
  ((status != 0)) || status=1
fi
if $stop_failed; then
  echo "cluster.sh: stopping the publisher's node failed" >&2
  ((status != 0)) || status=1
fi

for n in 1 2; do
  if [[ -r /proc/${beam_pid[$n]}/status ]]; then
    read -r -a stat <"/proc/${beam_pid[$n]}/stat"
    echo "rabbit$n@localhost: peak RSS $(awk '/^VmHWM/ { printf "%d MiB", $2 / 1024 }' "/proc/${beam_pid[$n]}/status"), CPU $(( (stat[13] + stat[14]) / $(getconf CLK_TCK) )) s"
  fi
done
say "cluster.sh done in $((SECONDS - started)) s (stopping the nodes next)"
exit "$status"
