#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine with Node 20.19+: installs redis-server, the dependencies,
# builds, puts `redis-learn` on the PATH, and starts the first lesson. `--no-start` stops before the lesson.
set -euo pipefail
cd "$(dirname "$0")/.."

start=1
[ "${1:-}" = "--no-start" ] && start=0

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

node_major=$(node -p 'process.versions.node.split(".").map(Number).slice(0,2).join(".")' 2>/dev/null || echo 0)
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; then
  echo "redis-learn needs Node.js 20.19 or newer (found ${node_major})." >&2
  exit 1
fi

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "Installing redis-server and redis-tools with apt-get…"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq redis-server redis-tools >/dev/null
fi

npm ci --no-audit --no-fund
npm run build --silent

if npm link --no-audit --no-fund >/dev/null 2>&1; then
  cmd=redis-learn
else
  echo "(could not link redis-learn globally; using: node bin/redis-learn.js)"
  cmd="node bin/redis-learn.js"
fi

# Redis 8 and Valkey 8 for --server (Debian 13 packages via debootstrap, ~30 s, ~230 MB): prepared in the background
# so the first lesson starts at once; `redis-learn servers` shows when they are ready. Needs root or sudo without a
# password; otherwise `sudo redis-learn servers prepare` does it later.
servers_dir="${XDG_CACHE_HOME:-$HOME/.cache}/redis-learn/servers"
if [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; then
  mkdir -p "$servers_dir"
  if ! command -v debootstrap >/dev/null 2>&1; then
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 || true
  fi
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
  nohup "${as_root[@]}" env REDIS_LEARN_SERVERS_DIR="$servers_dir" "$(command -v node)" bin/redis-learn.js servers prepare \
    >"$servers_dir/prepare.log" 2>&1 </dev/null &
  echo "Preparing Redis 8 and Valkey 8 in the background (redis-learn servers shows when they are ready)."
fi

if [ "$start" -eq 1 ]; then
  if [ -t 0 ] && [ -t 1 ]; then
    exec $cmd lesson simple
  else
    exec $cmd lesson simple --auto
  fi
fi
echo "Installed. Start with: $cmd"
