#!/usr/bin/env bash
# Client instructions per request (valgrind callgrind: counts instructions, not seconds, so
# the figures repeat on a busy machine). For each request kind and client, runs 1,000 and
# 3,000 calls against the canned server (a separate process, not counted) and reports
# (I[3000] - I[1000]) / 2000, which cancels start-up and one-time costs.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)"; exit 1; }
cargo bench --bench overhead --no-run --quiet
bench=$(ls -t target/release/deps/overhead-* | grep -v '\.d$' | head -1)
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --profile "$1" "$2" "$3" 2>&1 | awk '/Collected/ { print $4 }'; }
echo "| request | raw reqwest | library (ratio) | unchecked (ratio) |"
echo "| --- | --- | --- | --- |"
for kind in query body array; do
  declare -A per
  for client in raw library unchecked; do
    per[$client]=$(( ($(count $client $kind 3000) - $(count $client $kind 1000)) / 2000 ))
  done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
  echo "| $kind | ${per[raw]} | ${per[library]} ($(ratio "${per[library]}" "${per[raw]}")) | ${per[unchecked]} ($(ratio "${per[unchecked]}" "${per[raw]}")) |"
done
