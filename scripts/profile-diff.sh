#!/usr/bin/env bash
# Where the library's instructions go beyond raw reqwest's, per call: runs the overhead bench's
# KIND request (query, body or array) N times (default 2000) under callgrind for the library
# and for raw reqwest, and prints the functions whose own (exclusive) instructions differ most,
# divided by N. Start-up costs are included in both and mostly cancel.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-body}"
n="${2:-2000}"
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)"; exit 1; }
cargo bench --bench overhead --no-run --quiet
bench=$(ls -t target/release/deps/overhead-* | grep -v '\.d$' | head -1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for client in library raw; do
  valgrind --tool=callgrind --callgrind-out-file="$out/$client" "$bench" --profile "$client" "$kind" "$n" >/dev/null 2>&1
  callgrind_annotate --inclusive=no --threshold=100 "$out/$client" > "$out/$client.txt" 2>/dev/null
done
python3 - "$out/library.txt" "$out/raw.txt" "$n" <<'PY'
import re, sys
def load(path):
    out = {}
    for line in open(path):
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
        if m and "PROGRAM TOTALS" not in line:
            name = re.sub(r" \[.*\]$", "", m.group(2))
            name = name.split(":", 1)[1] if ":" in name else name
            out[name] = out.get(name, 0) + int(m.group(1).replace(",", ""))
    return out
library, raw, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
rows = sorted(((library.get(k, 0) - raw.get(k, 0)) / n, k) for k in set(library) | set(raw))
print("instructions per call, library minus raw reqwest, by function (exclusive):")
for diff, name in rows[::-1][:25]:
    print(f"{diff:8.0f}  {name[:120]}")
PY
