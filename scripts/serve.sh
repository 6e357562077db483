#!/usr/bin/env bash
# Builds the viewer and serves dist/ on http://localhost:${PORT:-8080}/,
# opening the bundled sample session.
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_BROWSER=0 scripts/setup.sh
scripts/build.sh
exec node scripts/serve.mjs dist "${PORT:-8080}"
