#!/usr/bin/env bash
# Issue 9's browser figures: starts the release server on the database
# `cargo run --release -p bench -- --only plan-db` left
# (target/bench-plan/plan.db: the demo plant and 1,000 released sales
# orders, about 6,000 open jobs), runs end2end/bench/plan_render.mjs in
# Chromium against it, and stops the server. Needs `scripts/build.sh` (the
# server and target/site) and `scripts/setup.sh --test` (chromium, the npm
# packages). The drags change the database: run the bench again for a
# fresh one. Extra arguments go to the script (`--runs 5 --drags 5`).
#
#   end2end/bench/plan_render.sh [--runs N] [--drags N]
set -euo pipefail
cd "$(dirname "$0")/../.."
DB="${PLAN_DB:-target/bench-plan/plan.db}"
BIN="${SHOPFLOOR_BIN:-target/release/shopfloor}"
PORT="${PORT:-3197}"
[ -f "$DB" ] || { echo "no $DB: run \`cargo run --release -p bench -- --only plan-db\` first" >&2; exit 2; }
[ -x "$BIN" ] || { echo "no $BIN: run scripts/build.sh first" >&2; exit 2; }
[ -d end2end/node_modules/@playwright/test ] || { echo "no end2end/node_modules: run scripts/setup.sh --test" >&2; exit 2; }

DATABASE_URL="sqlite://$DB" \
SHOPFLOOR_BIND="127.0.0.1:$PORT" \
SHOPFLOOR_ADMIN_PASSWORD=bench-admin-password \
SHOPFLOOR_LOG=warn \
LEPTOS_SITE_ROOT=target/site \
  "$BIN" >target/bench-plan/server.log 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat target/bench-plan/server.log >&2; exit 1; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "the server did not become ready" >&2; exit 1; }
node end2end/bench/plan_render.mjs --base "http://127.0.0.1:$PORT" "$@" | tee target/bench-plan/report-render.md
