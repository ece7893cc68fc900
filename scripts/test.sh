#!/usr/bin/env bash
# Installs what is missing, then runs every test: lints, native tests (engine
# and page logic), browser component tests (wasm-bindgen-test in headless
# Chromium), the release build, and end-to-end tests against it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n=== %s\n' "$*" >&2; }

step "format"
cargo fmt --all -- --check

step "clippy (native and wasm32)"
cargo clippy --workspace --all-targets --offline -- -D warnings
cargo clippy -p funnelcast -p funnelcast-engine --target wasm32-unknown-unknown --offline -- -D warnings

step "native tests (cargo test: engine and page logic)"
cargo test --offline

step "browser tests (wasm-bindgen-test, headless Chromium): components, engine digits on wasm32"
cargo test --offline --target wasm32-unknown-unknown -p funnelcast
cargo test --offline --target wasm32-unknown-unknown -p funnelcast-engine --test golden

step "release build (trunk)"
trunk build --release
scripts/size.sh

step "end-to-end tests against dist/ (headless Chromium)"
cargo test --offline -p funnelcast-e2e

echo "all tests passed; screenshots in target/screenshots/" >&2
