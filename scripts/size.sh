#!/usr/bin/env bash
# Prints the first-load size of dist/ (html + js + wasm + css), raw and gzip -9.
set -euo pipefail
cd "$(dirname "$0")/.."
total_raw=0; total_gz=0
for f in dist/*.html dist/*.js dist/*.wasm dist/*.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-48s %8d B  %7d B gzip\n' "$f" "$raw" "$gz"
done
awk -v r="$total_raw" -v g="$total_gz" 'BEGIN { printf "first load: %d B raw, %d B gzip (%.1f KB; budget 350 KB)\n", r, g, g / 1024 }'
# The first-load budget (everything fetched before the first results).
if [ "$total_gz" -gt $((350 * 1024)) ]; then
  echo "first load over the 350 KB gzip budget" >&2
  exit 1
fi
