#!/usr/bin/env python3
"""Measures the layout of the workspace, for the figures a restructuring is judged by.

usage: tools/layout/measure.py [ROOT]   (ROOT defaults to the repository this script is in)

Prints, per crate: lines of `src/`, the generic sqlx bound lines (`IntoArguments`), hand-written
backend dispatch sites (`Backend::Sqlite(` / `Self::Sqlite(` arms), the import cycles between its
top-level modules (a cycle is a strongly connected component of more than one module in the graph
of `crate::`/`super::` paths), and over the whole workspace the largest source files, the 90th
percentile of file length and the files over 800 lines.
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
CRATES = os.path.join(ROOT, "crates")
PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super)::\{([^;]*)\};", re.S)


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return rel


def top_level_graph(src):
    files = []
    for dirpath, _, names in os.walk(src):
        files += [os.path.join(dirpath, n) for n in names if n.endswith(".rs")]
    tops = {module_of(src, f)[0] for f in files if module_of(src, f)}
    edges = {t: set() for t in tops}
    for f in files:
        mod = module_of(src, f)
        if not mod:
            continue
        text = open(f, encoding="utf-8").read()
        # Test modules may reach anywhere; they are not the architecture.
        text = text.split("#[cfg(test)]\nmod tests")[0]
        # Comments name paths without depending on them.
        text = re.sub(r"//[^\n]*", "", text)
        targets = []
        for kind, rest in PATH.findall(text):
            targets.append((kind, rest.strip(":").split("::")))
        for kind, group in USE_GROUP.findall(text):
            for item in re.split(r",", group):
                first = item.strip().split("::")[0].strip("{} \n")
                if first:
                    targets.append((kind, [first]))
        for kind, segs in targets:
            if kind == "crate":
                target = segs[0]
            else:
                # super:: from a file: the parent module of this file's module.
                is_mod_file = os.path.basename(f) in ("mod.rs", "lib.rs")
                parent = mod[:-1] if not is_mod_file else mod[:-1]
                base = parent + segs
                target = base[0] if base else None
            if target in tops and target != mod[0]:
                edges[mod[0]].add(target)
    return edges


def cycles(edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    all_files = []
    for crate in sorted(os.listdir(CRATES)):
        src = os.path.join(CRATES, crate, "src")
        if not os.path.isdir(src):
            continue
        lines = bounds = dispatch = 0
        for dirpath, _, names in os.walk(src):
            for n in names:
                if not n.endswith(".rs"):
                    continue
                p = os.path.join(dirpath, n)
                text = open(p, encoding="utf-8").read()
                count = text.count("\n")
                lines += count
                bounds += len(re.findall(r"IntoArguments", text))
                dispatch += len(re.findall(r"(?:Backend|Self)::Sqlite\(", text))
                all_files.append((count, os.path.relpath(p, ROOT)))
        found = cycles(top_level_graph(src))
        print(f"{crate}: {lines} lines in src; IntoArguments bound lines {bounds}; "
              f"Sqlite dispatch arms {dispatch}; top-level import cycles {len(found)}"
              + "".join(f"\n    cycle: {' ↔ '.join(c)}" for c in found))
    all_files.sort(reverse=True)
    sizes = sorted(c for c, _ in all_files)
    p90 = sizes[int(len(sizes) * 0.9)] if sizes else 0
    print(f"source files: {len(sizes)}; p90 {p90} lines; over 800 lines: "
          f"{sum(1 for s in sizes if s > 800)}")
    for count, path in all_files[:8]:
        print(f"    {count:5} {path}")


main()
