#!/usr/bin/env bash
# The release build, in one place: the server (speed-optimised) and the
# browser's wasm (size-optimised), split by route so each page downloads the
# shell plus its own module (`--split`; see app/src/lazy.rs). Assumes
# scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/scripts/bin:$HOME/.cargo/bin:$PATH"
exec cargo leptos build --release --split "$@"
