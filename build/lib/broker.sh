# Shell helpers for scripts that need a Mosquitto of their own on a free loopback port.
# broker_start DIR [EXTRA_CONFIG_LINES] sets BROKER_PORT and BROKER_LOG; broker_stop ends it.
# broker_subscribe FILE CLIENT_ID TOPIC... starts an independent subscriber; broker_unsubscribe ends it.

BROKER_PID=""
SUBSCRIBER_PID=""

broker_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free loopback port found" >&2
  return 1
}

broker_start() {
  local dir=$1 extra=${2:-}
  local mosquitto
  mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  [[ -x $mosquitto ]] || { echo "mosquitto is not installed: apt-get install mosquitto" >&2; return 1; }
  BROKER_PORT=$(broker_free_port)
  BROKER_LOG="$dir/mosquitto.log"
  cat >"$dir/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type all
connection_messages true
log_timestamp_format %H:%M:%S
user root
$extra
CONF
  "$mosquitto" -c "$dir/mosquitto.conf" 2>"$BROKER_LOG" &
  BROKER_PID=$!
  broker_wait_for_log "running" 20
}

broker_stop() {
  broker_unsubscribe
  if [[ -n $BROKER_PID ]]; then
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=""
  fi
}

# broker_wait_for_log TEXT SECONDS: returns once the broker logged TEXT, fails after SECONDS.
broker_wait_for_log() {
  local text=$1 seconds=$2
  local deadline=$((SECONDS + seconds))
  until grep -qF -- "$text" "$BROKER_LOG" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "mosquitto did not log \"$text\" within $seconds s; its log:" >&2
      cat "$BROKER_LOG" >&2
      return 1
    fi
    sleep 0.05
  done
}

broker_log_lines() { wc -l <"$BROKER_LOG"; }

broker_log_since() { tail -n "+$(($1 + 1))" "$BROKER_LOG"; }

# broker_subscribe FILE CLIENT_ID TOPIC...: a mosquitto_sub (QoS 2) on TOPICs, writing each message it
# receives to FILE as a line '  TOPIC  "PAYLOAD"  (QoS Q, retained R)'; returns once the broker
# acknowledged the subscription.
broker_subscribe() {
  local file=$1 id=$2
  shift 2
  local topics=() topic
  for topic in "$@"; do topics+=(-t "$topic"); done
  mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -i "$id" -q 2 "${topics[@]}" \
    -F '  %t  "%p"  (QoS %q, retained %r)' >"$file" &
  SUBSCRIBER_PID=$!
  broker_wait_for_log "Sending SUBACK to $id" 10
}

broker_unsubscribe() {
  if [[ -n $SUBSCRIBER_PID ]]; then
    kill "$SUBSCRIBER_PID" 2>/dev/null || true
    wait "$SUBSCRIBER_PID" 2>/dev/null || true
    SUBSCRIBER_PID=""
  fi
}
