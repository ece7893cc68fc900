#!/usr/bin/env bash
# Installs what is missing, then runs every test: lints, native tests (engine
# and page logic), browser component tests (wasm-bindgen-test in headless
# Chromium), the release build, and end-to-end tests against it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n=== %s\n' "$*" >&2; }
# Every test runner's output also goes to a log, summed up at the end.
LOG=target/test-results.log
mkdir -p target && : > "$LOG"
t() { "$@" 2>&1 | tee -a "$LOG"; }

step "format (rustfmt, and leptosfmt for view! macros)"
cargo fmt --all -- --check
leptosfmt --check src tests >/dev/null || { leptosfmt --check src tests | grep -v '^✅'; exit 1; }

step "clippy (native and wasm32)"
cargo clippy --workspace --all-targets --offline -- -D warnings
cargo clippy -p funnelcast -p funnelcast-engine --target wasm32-unknown-unknown --offline -- -D warnings
# The page as it ships: split points on (src/ui/later.rs).
cargo clippy -p funnelcast --target wasm32-unknown-unknown --features split --offline -- -D warnings

step "native tests (cargo test: engine and page logic)"
t cargo test --offline

step "browser tests (wasm-bindgen-test, headless Chromium): components, engine digits on wasm32"
t cargo test --offline --target wasm32-unknown-unknown -p funnelcast
t cargo test --offline --target wasm32-unknown-unknown -p funnelcast-engine --test golden

step "release build (trunk)"
trunk build --release
scripts/size.sh

step "end-to-end tests against dist/ (headless Chromium)"
# Two browsers at a time: four Chromiums on two cores starve each other.
t cargo test --offline -p funnelcast-e2e --tests -- --test-threads=2

echo "screenshots in target/screenshots/" >&2
# One closing line for all the runners above (pipefail has stopped the
# script already if any of them failed).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$LOG"
