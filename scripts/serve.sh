#!/usr/bin/env bash
# Builds Shopfloor (release) and serves it at http://127.0.0.1:3000 on an
# embedded SQLite database under ./data, with a demo plant on first start.
# Settings come from flags/environment: `target/release/shopfloor --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/scripts/bin:$HOME/.cargo/bin:$PATH"
./scripts/build.sh
export SHOPFLOOR_DEMO="${SHOPFLOOR_DEMO:-true}"
exec ./target/release/shopfloor "$@"
