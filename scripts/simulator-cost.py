#!/usr/bin/env python3
"""Hand-written simulator code per operation: code lines of src/simulator/ (not blank, not a
comment, not in a `#[cfg(test)]` module), divided by the operations of the spec; then the
same split into the fixed part (routing, the wire, events, outbound delivery, enterprises,
TLS, faults, the request log) and each area with the operations of the tags it serves. The
simulator issue's figure of merit: each new operation should cost few lines.

Usage: python3 scripts/simulator-cost.py [--files]"""
import re
import sys
from pathlib import Path

SIMULATOR = Path("src/simulator")
SPEC = Path("spec/openapi.yaml")
METHODS = ("get", "put", "post", "delete", "patch")


def code_lines(text):
    """Lines of code, leaving out comments, blank lines and `#[cfg(test)] mod ... { }`."""
    lines = text.splitlines()
    count = 0
    skip_depth = None
    depth = 0
    pending_test = False
    for line in lines:
        stripped = line.strip()
        opens, closes = stripped.count("{"), stripped.count("}")
        if skip_depth is not None:
            depth += opens - closes
            if depth <= skip_depth:
                skip_depth = None
            continue
        if stripped == "#[cfg(test)]":
            pending_test = True
            continue
        if pending_test and re.match(r"(pub(\(\w+\))? )?mod \w+ \{", stripped):
            skip_depth = depth
            depth += opens - closes
            pending_test = False
            continue
        pending_test = False
        depth += opens - closes
        if not stripped or stripped.startswith("//"):
            continue
        count += 1
    return count


def operations():
    # Operation objects are the method keys under a path, six spaces deep in this spec.
    return sum(1 for line in SPEC.read_text().splitlines() if re.match(r"^    (%s):\s*$" % "|".join(METHODS), line))


def tags():
    """Operations per tag (`tags: [x]` of each operation)."""
    counts = {}
    for tag in re.findall(r"^      tags: \[([\w-]+)", SPEC.read_text(), re.M):
        counts[tag] = counts.get(tag, 0) + 1
    return counts


# The tags each area (a top-level module of src/simulator) serves; every other module is
# the fixed part.
AREAS = {
    "auth": ["auth"],
    "meetings": ["meetings", "control", "metrics"],
    "recordings": ["recordings"],
    "rooms": ["vmr"],
    "directory": ["enterprise"],
    "webinars": ["webinars"],
    "sp": ["sp"],
    "info_window": ["info-window"],
    # Areas of earlier versions (before meeting control and history joined meetings), so the
    # script measures those too.
    "control": [],
    "history": [],
}


def main():
    files = sorted(SIMULATOR.rglob("*.rs"))
    counts = {path: code_lines(path.read_text()) for path in files}
    total = sum(counts.values())
    ops = operations()
    if "--files" in sys.argv:
        for path, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"{n:6} {path}")
    print(f"simulator code lines: {total}; operations in the spec: {ops}; per operation: {total / ops:.1f}")
    by_tag = tags()
    area_of = lambda path: path.relative_to(SIMULATOR).parts[0].removesuffix(".rs")
    fixed = sum(n for path, n in counts.items() if area_of(path) not in AREAS)
    in_areas = total - fixed
    print(f"  fixed part (not per operation): {fixed}")
    print(f"  areas: {in_areas}; per operation: {in_areas / ops:.1f}")
    for area, served in AREAS.items():
        lines = sum(n for path, n in counts.items() if area_of(path) == area)
        if not any(area_of(path) == area for path in counts):
            continue
        n_ops = sum(by_tag.get(tag, 0) for tag in served)
        per = f"{lines / n_ops:.1f}" if n_ops else "-"
        print(f"    {area} ({', '.join(served)}: {n_ops} operations): {lines} lines, {per} per operation")


if __name__ == "__main__":
    main()
