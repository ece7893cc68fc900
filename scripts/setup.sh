#!/usr/bin/env bash
# Installs what Funnelcast needs to build, serve and test, skipping whatever is
# already there, so it is cheap to run before every serve or test.
# Versions are pinned where these machines showed traps (docs/architecture.md):
#   - Trunk 0.21.14: 0.22.x needs rustc >= 1.96.1 and does not install on 1.95.
#   - wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock exactly.
#   - wasm-opt from npm binaryen 132: Debian's binaryen 108 breaks the page silently.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS"
log() { printf '[setup] %s\n' "$*" >&2; }

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

# --- Debian packages: the browser, its driver, CJK fonts for screenshots.
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# --- Rust target for the page.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- Crates for offline builds (Trunk.toml sets offline = true).
log "cargo fetch"
cargo fetch --locked >/dev/null 2>&1 || cargo fetch

# --- Trunk.
if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  log "cargo install trunk $TRUNK_VERSION (about 6 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# --- leptosfmt: the formatter Leptos users run on view! macros (rustfmt
# leaves macro bodies alone). Pinned so the check does not change under us.
LEPTOSFMT_VERSION=0.1.33
if ! leptosfmt --version 2>/dev/null | grep -q " $LEPTOSFMT_VERSION"; then
  log "cargo install leptosfmt $LEPTOSFMT_VERSION (about 3-5 minutes on 2 cores)"
  cargo install --locked leptosfmt --version "$LEPTOSFMT_VERSION"
fi

# --- wasm-bindgen-cli at exactly the Cargo.lock version.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION"; then
  log "cargo install wasm-bindgen-cli $WB_VERSION"
  # Without --locked: the 0.2.130 lockfile names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# --- wasm-split-cli, which scripts/wasm-link.mjs runs on the page's module:
# it cuts the parts behind split points (src/ui/later.rs) into modules of
# their own. Pinned to the wasm_split_helpers in Cargo.lock (0.2.3, through
# leptos): the tool and the helpers agree on the names of the split imports.
WASM_SPLIT_VERSION=0.2.3
if [ "$(cat "$TOOLS/wasm-split.version" 2>/dev/null)" != "$WASM_SPLIT_VERSION" ] || [ ! -x "$TOOLS/bin/wasm-split-cli" ]; then
  log "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (about 2 minutes on 2 cores)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --root "$TOOLS"
  echo "$WASM_SPLIT_VERSION" > "$TOOLS/wasm-split.version"
fi

# --- wasm-opt from npm binaryen into the git-ignored tools folder.
if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  log "npm install binaryen@$BINARYEN_VERSION"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION" >/dev/null
fi

# --- axe-core, the accessibility checker the end-to-end tests inject into
# the page (e2e/tests/accessibility.rs). Pinned: a newer axe adds rules, and
# the test's "no serious violation" must mean the same thing on every machine.
AXE_VERSION=4.14.1
if [ "$(node -p "require('$TOOLS/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$AXE_VERSION" ]; then
  log "npm install axe-core@$AXE_VERSION"
  npm install --silent --no-audit --no-fund --save-exact --prefix "$TOOLS" "axe-core@$AXE_VERSION" >/dev/null
fi

# --- terser, which minifies wasm-bindgen's JS glue in the release build
# (scripts/postbuild.mjs): −2.4 KB gzip of the first load. Pinned so every
# machine ships the same bytes.
TERSER_VERSION=5.51.4
if [ "$(node -p "require('$TOOLS/node_modules/terser/package.json').version" 2>/dev/null)" != "$TERSER_VERSION" ]; then
  log "npm install terser@$TERSER_VERSION"
  npm install --silent --no-audit --no-fund --save-exact --prefix "$TOOLS" "terser@$TERSER_VERSION" >/dev/null
fi

log "ready"
