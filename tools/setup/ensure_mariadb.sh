#!/usr/bin/env bash
# Makes sure MariaDB answers on 127.0.0.1:3306 when it is installed here.
# Under CI=true the backend tests fail (never skip) when it does not answer.
set -uo pipefail
host=${MYSQL_TEST_HOST:-127.0.0.1}
port=${MYSQL_TEST_PORT:-3306}
answers() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }
if answers; then exit 0; fi
if [ ! -x /usr/sbin/mariadbd ]; then
  echo "MariaDB is not installed here; the MySQL half of the backend tests will $( [ "${CI:-}" = true ] && echo fail || echo be skipped )." >&2
  exit 0
fi
echo "Starting MariaDB..."
start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
for _ in $(seq 1 240); do
  if answers; then echo "MariaDB is up."; exit 0; fi
  sleep 0.5
done
echo "MariaDB did not start within 120 s." >&2
[ "${CI:-}" = true ] && exit 1
exit 0
