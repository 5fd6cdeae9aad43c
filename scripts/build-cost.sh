#!/usr/bin/env bash
# Build cost: a clean `cargo build` (dev profile, default features), the rebuild after a
# one-line change in spec/ (median of 3), and the size of the generated code.
# Uses its own target directory and restores the spec afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/build-cost}"
spec=spec/openapi.yaml
backup=$(mktemp)
cp "$spec" "$backup"
trap 'cp "$backup" "$spec"; rm -f "$backup"' EXIT

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'; }

cargo clean --quiet
cargo fetch --quiet
clean=$(seconds cargo build)

rebuilds=()
for i in 1 2 3; do
  # One line of the spec: the description of an operation, which reaches the generated docs.
  sed -i "s/summary: Cancel a scheduled meeting.*/summary: Cancel a scheduled meeting (edit $i)/" "$spec"
  rebuilds+=("$(seconds cargo build)")
done
median=$(printf '%s\n' "${rebuilds[@]}" | sort -n | sed -n 2p)

code=$(find "$CARGO_TARGET_DIR/debug/build" -name codegen.rs -newer "$backup" | head -1)
echo "| clean \`cargo build\` (dev, default features) | $(printf '%.1f' "$clean") s |"
echo "| rebuild after a one-line spec change (median of 3: $(printf '%.1f ' "${rebuilds[@]}")s) | $(printf '%.1f' "$median") s |"
echo "| generated code (codegen.rs) | $(wc -l < "$code") lines, $(( $(wc -c < "$code") / 1024 )) KiB |"
