#!/usr/bin/env bash
# Makes sure what the tests need is running: PostgreSQL, Redis, Chromium, and nginx (installed
# only: a test starts its own, with deploy/nginx.conf, to read the proxy's access log).
# Starts or installs each where it can; otherwise says what is missing and fails.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_PORT=6379

say() { printf 'ensure_test_services: %s\n' "$*"; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_install() {
  can_install || return 1
  if [ ! -f /tmp/.byraportalen-apt-updated ]; then
    apt-get update -qq && touch /tmp/.byraportalen-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
wait_for() {  # wait_for CMD... : up to 20 s
  for _ in $(seq 1 40); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
if ! command -v pg_isready >/dev/null; then
  say "installing PostgreSQL"; apt_install postgresql postgresql-client || true
fi
if ! pg_up 2>/dev/null; then
  if ls /etc/postgresql >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  if ! wait_for pg_up; then
    say "PostgreSQL is not reachable on $PG_HOST:$PG_PORT and could not be started."
    say "Start it, or set DATABASE_URL to a server where the user may create databases."
    exit 1
  fi
fi

redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG; }
if ! command -v redis-server >/dev/null; then
  say "installing Redis"; apt_install redis-server || true
fi
if ! redis_up 2>/dev/null; then
  if command -v redis-server >/dev/null; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
  fi
  if ! wait_for redis_up; then
    say "Redis is not reachable on 127.0.0.1:$REDIS_PORT and could not be started."
    exit 1
  fi
fi

if [ ! -x /usr/bin/chromium ]; then
  say "installing Chromium (Debian's package)"
  if ! apt_install chromium fonts-dejavu-core; then
    say "/usr/bin/chromium is missing and could not be installed: apt-get install chromium"
    exit 1
  fi
fi

if [ ! -x /usr/sbin/nginx ]; then
  say "installing nginx (Debian's nginx-light)"
  if ! apt_install nginx-light; then
    say "/usr/sbin/nginx is missing and could not be installed: apt-get install nginx-light"
    exit 1
  fi
fi

say "PostgreSQL, Redis and Chromium are ready, nginx installed"
