#!/usr/bin/env bash
# Prints the first-load size of a release build (dist/, or the folder given):
# every file fetched before the first results — html, js, wasm, css and the
# icon — raw, gzip -9 and brotli (quality 11, through node's zlib, since
# node is installed for wasm-opt anyway). sw.js and worker.js are left out:
# the page registers its service worker and starts its first simulation
# worker only after its first results; so are the split modules
# (split_*.wasm, chunk_*.wasm: src/ui/later.rs), which the page asks for
# once its first run has settled or a mode is opened. Their sizes follow.
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"
total_raw=0; total_gz=0; total_br=0
for f in "$dist"/*.html "$dist"/*.js "$dist"/*.wasm "$dist"/*.css "$dist"/*.svg; do
  [ -f "$f" ] || continue
  case "$(basename "$f")" in sw.js | worker.js | split_*.wasm | chunk_*.wasm) continue ;; esac
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  br=$(node -e 'const z = require("zlib"); const b = require("fs").readFileSync(process.argv[1]);
    console.log(z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length)' "$f")
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-48s %8d B  %7d B gzip  %7d B brotli\n' "$f" "$raw" "$gz" "$br"
done
# KB is 1,000 bytes here, KiB 1,024: the budget is read the stricter way.
awk -v r="$total_raw" -v g="$total_gz" -v b="$total_br" 'BEGIN { printf "first load: %d B raw, %d B gzip (%.1f KB = %.1f KiB; budget 350 KB), %d B brotli (%.1f KB)\n", r, g, g / 1000, g / 1024, b, b / 1000 }'
# The first-load budget (everything fetched before the first results): a
# figure to report, not a test that fails the run (docs/benchmarks.md keeps
# the history).
if [ "$total_gz" -gt 350000 ]; then
  echo "first load OVER the 350 KB gzip budget" >&2
fi
# Rust's float formatting is kept out of the page (src/numtext.rs says why);
# a build that brings it back says so. The linked modules keep their
# function names, where core's `flt2dec` shows.
for f in target/wasm32-unknown-unknown/release/wasm-split/*.wasm; do
  [ -f "$f" ] || continue
  if grep -q flt2dec "$f"; then
    echo "$(basename "$f") has Rust's float formatting again (about 6 KB gzip): look for {} of an f64 or f64::clamp" >&2
  fi
done
# The split modules, fetched later (not in the first load).
later=0
for f in "$dist"/split_*.wasm "$dist"/chunk_*.wasm; do
  [ -f "$f" ] || continue
  later=$((later + $(gzip -9 -c "$f" | wc -c)))
done
echo "later (split modules, after the first results): $later B gzip"
