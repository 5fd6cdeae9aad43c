#!/usr/bin/env bash
# Build cost: a clean `cargo build` (dev profile, default features) with its three largest
# compilation units (cargo --timings), the same with aws-lc-rs as the TLS provider (feature
# rustls-aws-lc-rs) for comparison, the rebuild after a one-line change in spec/ (median of 3),
# and the size of the generated code. Uses its own target directory and restores the spec.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/build-cost}"
spec=spec/openapi.yaml
backup=$(mktemp)
cp "$spec" "$backup"
trap 'cp "$backup" "$spec"; rm -f "$backup"' EXIT

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'; }

# Seconds the crate's own library took in the last --timings run (build script excluded).
own_unit() {
  python3 - "$CARGO_TARGET_DIR/cargo-timings/cargo-timing.html" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
print(sum(u["duration"] for u in units if u["name"] == "huaweicloud-meeting" and u.get("target", "").strip() in ("", "lib")))
PY
}

# The three longest units of the last --timings run, "name seconds".
largest_units() {
  python3 - "$CARGO_TARGET_DIR/cargo-timings/cargo-timing.html" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
units.sort(key=lambda u: -u["duration"])
print(", ".join(f"{u['name']}{' (build script)' if u.get('target', '').strip() == 'build-script' or 'run-custom-build' in u.get('mode', '') else ''} {u['duration']:.1f} s" for u in units[:3]))
PY
}

cargo fetch --quiet
cargo clean --quiet
aws_lc=$(seconds cargo build --features rustls-aws-lc-rs)
cargo clean --quiet
clean=$(seconds cargo build --timings)
units=$(largest_units)
all_groups=$(own_unit)
# The same library with only the authentication operations (no operation group enabled).
cargo build --timings --no-default-features --features rustls >/dev/null 2>&1
auth_only=$(own_unit)

rebuilds=()
for i in 1 2 3; do
  # One line of the spec: the description of an operation, which reaches the generated docs.
  sed -i "s/summary: Cancel a scheduled meeting.*/summary: Cancel a scheduled meeting (edit $i)/" "$spec"
  rebuilds+=("$(seconds cargo build)")
done
median=$(printf '%s\n' "${rebuilds[@]}" | sort -n | sed -n 2p)

# The generated code of the default build (all groups): the largest codegen.rs of this run.
code=$(find "$CARGO_TARGET_DIR/debug/build" -name codegen.rs -newer "$backup" -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
operations=$(grep -c "operationId:" "$backup")
echo "| operations in the spec | $operations |"
echo "| clean \`cargo build\` (dev, default features: rustls + ring) | $(printf '%.1f' "$clean") s |"
echo "| its three longest units | $units |"
echo "| the crate's library unit, all operation groups / authentication only (\`--no-default-features --features rustls\`) | $(printf '%.1f' "$all_groups") s / $(printf '%.1f' "$auth_only") s |"
echo "| clean \`cargo build --features rustls-aws-lc-rs\` (aws-lc-rs instead of ring) | $(printf '%.1f' "$aws_lc") s |"
echo "| rebuild after a one-line spec change (median of 3: $(printf '%.1f ' "${rebuilds[@]}")s) | $(printf '%.1f' "$median") s |"
echo "| generated code (codegen.rs) | $(wc -l < "$code") lines, $(( $(wc -c < "$code") / 1024 )) KiB |"
