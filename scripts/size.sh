#!/usr/bin/env bash
# The first-load size of a release build (dist/, or the folder given): raw,
# gzip -9 and brotli (quality 11, through node's zlib, since node is
# installed for wasm-opt anyway), then the split modules apart.
#
# The first load is counted as the browser fetches it: every byte it asks
# for before the first results.
# * index.html; the css and the icon its <link>s name;
# * the JS glue (funnelcast-<hash>.js) and the main module
#   (funnelcast-<hash>_bg.wasm) that Trunk's inline loader imports and
#   preloads;
# * the split loader (__wasm_split-<hash>.js): the glue imports it
#   statically (scripts/postbuild.mjs points the import at it), so it is
#   fetched before the glue runs, split modules or not;
# * anything under snippets/ (wasm-bindgen's inline JS, imported by the glue).
# Not in it: later.css (the parts' styles, linked when the first part is
# asked for: src/ui/later.rs), sw.js (registered only after the first results and the parts
# that follow them), worker.js (the first simulation worker starts after the
# first results, which the page's own thread computes), and the split modules
# (split_*.wasm, chunk_*.wasm: src/ui/later.rs), asked for once the first run
# has settled or a mode is opened. A file of any other name fails the script:
# say here which side it is on.
#
# Fails (exit 1), so `scripts/test.sh` fails, when the first load passes the
# 350 KB gzip budget (KB = 1,000 bytes) or Rust's float formatting is back in
# any module; both are printed before it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"
[ -f "$dist/index.html" ] || { echo "size.sh: no $dist/index.html (run trunk build --release)" >&2; exit 1; }
budget=350000
status=0

sizes() { # raw gzip brotli of one file
  local raw gz br
  raw=$(stat -c %s "$1"); gz=$(gzip -9 -c "$1" | wc -c)
  br=$(node -e 'const z = require("zlib"); const b = require("fs").readFileSync(process.argv[1]);
    console.log(z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length)' "$1")
  echo "$raw $gz $br"
}

first=(); later=()
while IFS= read -r f; do
  case "${f#"$dist"/}" in
    later.css) later+=("$f") ;;
    index.html | funnelcast-*_bg.wasm | funnelcast-*.js | __wasm_split-*.js | *.css | *.svg | snippets/*)
      first+=("$f") ;;
    sw.js | worker.js | split_*.wasm | chunk_*.wasm) later+=("$f") ;;
    *) echo "size.sh: $f is neither in the first load nor after it as far as this script knows: add it to one side" >&2
      status=1 ;;
  esac
done < <(find "$dist" -type f | sort)

total_raw=0; total_gz=0; total_br=0
for f in "${first[@]}"; do
  read -r raw gz br < <(sizes "$f")
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-48s %8d B  %7d B gzip  %7d B brotli\n' "$f" "$raw" "$gz" "$br"
done
# KB is 1,000 bytes here, KiB 1,024: the budget is read the stricter way.
awk -v r="$total_raw" -v g="$total_gz" -v b="$total_br" 'BEGIN { printf "first load: %d B raw, %d B gzip (%.1f KB = %.1f KiB; budget 350 KB), %d B brotli (%.1f KB)\n", r, g, g / 1000, g / 1024, b, b / 1000 }'

# The split modules, fetched after the first results (not in the budget).
later_gz=0
for f in "${later[@]}"; do
  case "$f" in *.wasm) later_gz=$((later_gz + $(gzip -9 -c "$f" | wc -c))) ;; esac
done
echo "later (split modules, after the first results): $later_gz B gzip"

if [ "$total_gz" -gt "$budget" ]; then
  echo "FAIL: the first load is $total_gz B gzip, over the budget of $budget B (docs/benchmarks.md keeps the history)" >&2
  status=1
fi
# Rust's float formatting is kept out of the page (src/numtext.rs says why;
# clippy.toml catches what it can). The modules as linked keep their function
# names, where core's `flt2dec` shows; dist/'s have lost them.
split_dir="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/wasm-split"
if [ ! -f "$split_dir/funnelcast.wasm" ]; then
  # No check is no pass: the linked modules are those of the last release
  # build (scripts/wasm-link.mjs writes them), which made $dist.
  echo "FAIL: no $split_dir/funnelcast.wasm to look for flt2dec in (build with trunk build --release first)" >&2
  status=1
fi
for f in "$split_dir"/*.wasm; do
  [ -f "$f" ] || continue
  if grep -q flt2dec "$f"; then
    echo "FAIL: $(basename "$f") has Rust's float formatting again (about 6 KB gzip): look for {} of an f64, f64::clamp or str::parse::<f64>" >&2
    status=1
  fi
done
exit "$status"
