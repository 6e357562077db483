#!/usr/bin/env bash
# Installs what building and testing rtcview needs, on a fresh Debian machine
# with rustup, cargo, node and npm. Idempotent: skips what is already there.
#   SETUP_BROWSER=0 scripts/setup.sh   # skip chromium (build/serve only)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Chromium and its driver (browser tests and the end-to-end suite).
if [ "${SETUP_BROWSER:-1}" != 0 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing chromium and chromium-driver (apt)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi

# 2. The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 3. wasm-bindgen-cli at exactly the version in Cargo.lock (a mismatch is a
#    hard error at bindgen time).
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (have: ${have:-none})"
  # --locked can fail when the registry mirror lacks a locked transitive
  # version (seen with webpki-roots); fall back to a fresh resolution.
  cargo install wasm-bindgen-cli --version "$want" --locked \
    || cargo install wasm-bindgen-cli --version "$want"
fi

# 4. npm packages (wasm-opt from binaryen, esbuild, playwright-core); no browser download.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
