#!/usr/bin/env bash
# Makes sure Redis answers on ${REDIS_HOST:-127.0.0.1}:${REDIS_PORT:-6379} when Debian's
# redis-server is installed (sessions shared by several app instances; docs/production.md).
# The production tests start a private Redis of their own; this one is for `make serve-cluster`.
set -uo pipefail
host=${REDIS_HOST:-127.0.0.1}
port=${REDIS_PORT:-6379}
answers() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }
if answers; then exit 0; fi
if [ ! -x /usr/bin/redis-server ]; then
  echo "redis-server is not installed (apt-get install redis-server)." >&2
  exit 1
fi
echo "Starting Redis on $host:$port..."
dir=${REDIS_DIR:-/var/lib/redis}
mkdir -p "$dir"
redis-server --bind "$host" --port "$port" --dir "$dir" --daemonize yes \
  --logfile "$dir/redis-$port.log" --pidfile "$dir/redis-$port.pid"
for _ in $(seq 1 120); do
  if answers; then echo "Redis is up."; exit 0; fi
  sleep 0.5
done
echo "Redis did not start within 60 s." >&2
exit 1
