#!/usr/bin/env python3
"""Checks that the modules of src/ import each other one way only (no cycle) and prints
them in layers, lowest first; then the same for the submodules of src/simulator (each
src/simulator/X.rs with src/simulator/X/). A module is a top-level module of the crate (src/X.rs or
src/X/); `crate::Name` of a name re-exported in lib.rs counts as a use of the module that
defines it. The generated client (src/generated.rs) is read from its reviewed snapshot,
tests/snapshots/generated_code__generated_client.snap, since its code lives in OUT_DIR.
Exit status 1 on a cycle, naming it."""
import re
import sys
from pathlib import Path

SRC = Path("src")
GENERATED_SNAPSHOT = Path("tests/snapshots/generated_code__generated_client.snap")


def modules():
    # Only the modules lib.rs declares: src/naming.rs, say, is included by build.rs and the
    # command-line tool, not by the library.
    declared = set(re.findall(r"^\s*(?:pub(?:\([^)]*\))? )?mod (\w+)\s*[;{]", (SRC / "lib.rs").read_text(), re.M))
    found = {}
    for path in SRC.glob("*.rs"):
        if path.stem in declared:
            found[path.stem] = [path]
    for path in SRC.iterdir():
        if path.is_dir() and path.name in declared:
            found.setdefault(path.name, []).extend(sorted(path.rglob("*.rs")))
    if "generated" in found and GENERATED_SNAPSHOT.exists():
        found["generated"].append(GENERATED_SNAPSHOT)
    return found


def reexports():
    """Name re-exported at the crate root -> module it comes from."""
    names = {}
    lib = (SRC / "lib.rs").read_text()
    for module, items in re.findall(r"pub use (\w+)::\{([^}]*)\}", lib):
        for item in items.split(","):
            item = item.strip().split(" as ")[-1].strip()
            if item:
                names[item] = module
    for module, item in re.findall(r"pub use (\w+)::(\w+);", lib):
        names[item] = module
    return names


def uses(text, known, names):
    found = set()
    text = re.sub(r"//[^\n]*", "", text)
    # `use crate::{a, b::c}` and `crate::a::...` / `crate::Name`
    for group in re.findall(r"crate::\{([^;]*)\}", text):
        for part in re.split(r"[,{}\s]+", group):
            head = part.split("::")[0]
            found.add(head)
    for head in re.findall(r"crate::(\w+)", text):
        found.add(head)
    result = set()
    for head in found:
        if head in known:
            result.add(head)
        elif head in names:
            result.add(names[head])
    return result


def simulator_graph():
    """The submodules of src/simulator (its root, mod.rs, which ties them together, left out)
    and which of them each uses, with `super::` paths resolved from each file's place."""
    root = SRC / "simulator"
    graph = {}
    files = {}
    for path in sorted(root.rglob("*.rs")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts == ["mod"]:
            continue
        graph.setdefault(parts[0], set())
        files.setdefault(parts[0], []).append((path, parts))
    for area, entries in files.items():
        for path, parts in entries:
            text = re.sub(r"//[^\n]*", "", path.read_text())
            here = ["simulator"] + parts  # the module the file is
            for prefix, rest in re.findall(r"\b((?:crate|self|super)(?:::super)*)::(\{[^;]*?\}|\w+)", text):
                steps = prefix.split("::")
                if steps[0] == "crate":
                    target = []
                else:
                    target = list(here)
                    for step in steps:
                        if step == "super":
                            target = target[:-1]
                heads = [rest] if not rest.startswith("{") else [p.split("::")[0] for p in re.split(r"[,\s]+", rest.strip("{}")) if p]
                for head in heads:
                    absolute = target + [head]
                    if len(absolute) >= 2 and absolute[0] == "simulator" and absolute[1] in graph:
                        if absolute[1] != area:
                            graph[area].add(absolute[1])
    return graph


def layered(graph, what):
    """Prints `graph` in layers, lowest first; 1 and the cycle on a cycle."""
    layers, placed = [], set()
    while len(placed) < len(graph):
        layer = sorted(m for m in graph if m not in placed and graph[m] <= placed)
        if not layer:
            stuck = {m for m in graph if m not in placed}
            cycle = find_cycle({m: graph[m] & stuck for m in stuck})
            print(f"import cycle among {what}: " + " -> ".join(cycle), file=sys.stderr)
            return 1
        layers.append(layer)
        placed |= set(layer)
    for i, layer in enumerate(layers):
        print(f"layer {i}: " + ", ".join(f"{m} (uses {', '.join(sorted(graph[m])) or 'nothing'})" for m in layer))
    print(f"{len(graph)} {what}, no import cycle")
    return 0


def main():
    mods = modules()
    names = reexports()
    graph = {m: set() for m in mods}
    for module, files in mods.items():
        for path in files:
            graph[module] |= uses(path.read_text(), mods, names) - {module}
    status = layered(graph, "modules of src/")
    print("src/simulator:")
    return layered(simulator_graph(), "modules of src/simulator") or status


def find_cycle(graph):
    start = next(iter(sorted(graph)))
    path, seen = [start], {start: 0}
    while True:
        nxt = sorted(graph[path[-1]])[0]
        if nxt in seen:
            return path[seen[nxt]:] + [nxt]
        seen[nxt] = len(path)
        path.append(nxt)


if __name__ == "__main__":
    sys.exit(main())
