#!/usr/bin/env python3
"""test-layout.py SOURCE_ROOT: the architecture's rules on includes
(docs/architecture.md), checked on the source tree:

1. No include cycle among the project's own modules (a module is a .c file
   and the .h of the same name; an edge is "X includes a header of Y").
2. The front ends (engine/tool, plugin, ui) include no engine header but
   the public neural-style.h; ui includes nothing from plugin, and plugin
   nothing of ui but ns-dialog.h (the dialog and the values it edits); the
   engine includes nothing from plugin or ui.
3. No cycle among the folders (tool, plugin, ui, engine): plugin -> ui ->
   engine, tool -> engine.
4. Libraries where they belong: GIMP's pixels (GEGL) are read and written
   in plugin/ only, GTK is ui's, and the engine (the tool aside) includes
   none of libgimp, GTK, GEGL or gdk-pixbuf.
5. The engine's folders depend on each other as the chain in
   docs/architecture.md says (read from there, "optimizer → objective → ...
   → image, runtime"): every folder is in the chain, and a folder includes
   headers only of the folders after it (the public neural-style.h, at the
   engine's top, from anywhere).
"""
import os
import re
import sys

root = sys.argv[1]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SYSTEM_INCLUDE = re.compile(r'^\s*#\s*include\s+<([^>]+)>', re.M)
# System headers an area must not include (rule 4).
FORBIDDEN = {
    "engine": ("libgimp/", "gtk/", "gdk/", "gegl", "gdk-pixbuf/"),
    "ui": ("gegl",),
    "tool": ("libgimp/", "gtk/", "gegl"),
}
FOLDERS = ["engine", "plugin", "ui"]

headers = {}   # header name -> path
sources = []
for top in FOLDERS:
    for folder, _, files in os.walk(os.path.join(root, top)):
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".h"):
                if name in headers:
                    sys.exit(f"two headers named {name}: {headers[name]} and {path}")
                headers[name] = path
            if name.endswith((".c", ".h")):
                sources.append(path)


def module(path):
    return os.path.splitext(os.path.relpath(path, root))[0]


def engine_chain():
    """The chain of docs/architecture.md: a list of levels, each a set of folders."""
    with open(os.path.join(root, "docs", "architecture.md"), encoding="utf-8") as f:
        doc = f.read()
    chains = re.findall(r"^`(optimizer →[^`]*)`$", doc, re.M)   # on a line of its own
    if len(chains) != 1:
        sys.exit(f"docs/architecture.md states {len(chains)} engine chains (`optimizer → ...`), not one")
    return [{name.strip() for name in level.split(",")} for level in chains[0].split("→")]


def engine_folder(path):
    """The engine folder of a path (None: not in one, e.g. neural-style.h or engine/tool)."""
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] != "engine" or len(rel) < 3 or rel[1] == "tool":
        return None
    return rel[1]


def area(path):
    rel = os.path.relpath(path, root)
    if rel.startswith("engine/tool/"):
        return "tool"
    return rel.split(os.sep)[0]


chain = engine_chain()
level = {folder: k for k, names in enumerate(chain) for folder in names}
edges = {}
folder_edges = {}
problems = []
folders = {engine_folder(path) for path in sources} - {None}
for folder in sorted(folders - set(level)):
    problems.append(f"engine/{folder}/ is not in docs/architecture.md's chain")
for folder in sorted(set(level) - folders):
    problems.append(f"docs/architecture.md's chain names {folder}, which engine/ does not have")
for path in sources:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    rel = os.path.relpath(path, root)
    for name in SYSTEM_INCLUDE.findall(text):
        if name.startswith(FORBIDDEN.get(area(path), ())):
            problems.append(f"{rel} ({area(path)}) includes <{name}>")
    for name in INCLUDE.findall(text):
        target = headers.get(name)
        if target is None:
            continue   # generated (ns-resources.h) or a test's own header
        src_area, dst_area = area(path), area(target)
        if src_area in ("tool", "plugin", "ui") and dst_area == "engine" and name != "neural-style.h":
            problems.append(f"{os.path.relpath(path, root)} includes the engine's internal {name}")
        if src_area == "ui" and dst_area == "plugin":
            problems.append(f"{os.path.relpath(path, root)} (ui) includes the plug-in's {name}")
        if src_area == "plugin" and dst_area == "ui" and name != "ns-dialog.h":
            problems.append(f"{rel} (plugin) includes ui's {name}; only ns-dialog.h is the plug-in's to include")
        if src_area != dst_area:
            folder_edges.setdefault(src_area, set()).add(dst_area)
        if src_area == "engine" and dst_area in ("plugin", "ui", "tool"):
            problems.append(f"{os.path.relpath(path, root)} (engine) includes {name} of {dst_area}")
        src_folder, dst_folder = engine_folder(path), engine_folder(target)
        if src_folder in level and dst_folder in level and src_folder != dst_folder \
                and level[dst_folder] <= level[src_folder]:
            problems.append(f"{os.path.relpath(path, root)} ({src_folder}) includes {name} of {dst_folder}, "
                            "which is not after it in docs/architecture.md's chain")
        a, b = module(path), module(target)
        if a != b:
            edges.setdefault(a, set()).add(b)

# Cycles: depth-first search with colours.
WHITE, GREY, BLACK = 0, 1, 2
colour = {}
stack = []


def visit(node):
    colour[node] = GREY
    stack.append(node)
    for nxt in sorted(edges.get(node, ())):
        if colour.get(nxt, WHITE) == GREY:
            cycle = stack[stack.index(nxt):] + [nxt]
            problems.append("include cycle: " + " -> ".join(cycle))
        elif colour.get(nxt, WHITE) == WHITE:
            visit(nxt)
    stack.pop()
    colour[node] = BLACK


for node in sorted(edges):
    if colour.get(node, WHITE) == WHITE:
        visit(node)

# The same search over the folders (rule 3).
module_edges, edges = edges, folder_edges
colour = {}
for node in sorted(edges):
    if colour.get(node, WHITE) == WHITE:
        visit(node)
edges = module_edges

for p in problems:
    print(p)
print(f"{len(sources)} files, {sum(len(v) for v in edges.values())} module dependencies, {len(problems)} problems")
sys.exit(1 if problems else 0)
