"""The package's imports run one way: core <- drawing <- export <- gui <- cli, with no circle between files.

Every module is read with :mod:`ast`, imports inside functions included: a lazy import that only dodges a
circle still ties two files together. The core never imports Qt, pyqtgraph or OpenGL.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "landscape_gui"
#: Each layer may import the layers before it, never one after it.
LAYERS = ("core", "drawing", "export", "gui", "cli")
GUI_LIBRARIES = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "pyqtgraph", "OpenGL")


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """``(imported module or name, line, statement)`` for every import in the file, at any depth."""
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno, ast.unparse(node)) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, node.lineno, ast.unparse(node)))
            found += [(f"{base}.{a.name}", node.lineno, ast.unparse(node)) for a in node.names]
    return found


def graph(root: Path = PACKAGE) -> tuple[dict[str, Path], dict[str, dict[str, tuple[str, int]]]]:
    """The package's modules, and for each the package modules it imports (with the name and line)."""
    modules = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    edges: dict[str, dict[str, tuple[str, int]]] = {m: {} for m in modules}
    for m, p in modules.items():
        for name, line, statement in imports(p, root):
            target = name if name in modules else name.rpartition(".")[0]
            if target in modules and target != m and not m.startswith(target + "."):
                edges[m].setdefault(target, (statement, line))
    return modules, edges


def layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package itself: version and resources, imports nothing of the package
    # the command line: the cli package and __main__.py
    return "cli" if parts[1].startswith("cli") or parts[1] == "__main__" else parts[1]


def cycles(edges: dict[str, dict[str, tuple[str, int]]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
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

    for v in edges:
        if v not in index:
            visit(v)
    return out


def layer_violations(modules, edges, root: Path = PACKAGE) -> list[str]:
    bad = []
    for m, targets in edges.items():
        lm = layer(m)
        for t, (name, line) in targets.items():
            lt = layer(t)
            if lm in LAYERS and lt in LAYERS and LAYERS.index(lt) > LAYERS.index(lm):
                bad.append(f"{modules[m].relative_to(root.parent)}:{line} ({lm}): '{name}' reaches {lt}")
    return bad


def cycle_report(modules, edges, root: Path = PACKAGE) -> list[str]:
    lines = []
    for comp in cycles(edges):
        links = [
            f"{modules[a].relative_to(root.parent)}:{edges[a][b][1]}: '{edges[a][b][0]}'"
            for a in comp
            for b in comp
            if b in edges[a]
        ]
        lines.append("circle between " + ", ".join(comp) + ": " + "; ".join(links))
    return lines


def test_every_module_belongs_to_a_layer():
    modules, _ = graph()
    assert {layer(m) for m in modules} - {None} <= set(LAYERS)


def test_layers_import_one_way():
    modules, edges = graph()
    assert layer_violations(modules, edges) == []


def test_no_circle_between_files():
    modules, edges = graph()
    assert cycle_report(modules, edges) == []


def test_the_core_never_imports_qt_pyqtgraph_or_opengl():
    bad = [
        f"{p.relative_to(PACKAGE.parent)}:{line}: '{statement}'"
        for p in sorted((PACKAGE / "core").rglob("*.py"))
        for name, line, statement in imports(p)
        if name.split(".")[0] in GUI_LIBRARIES
    ]
    assert bad == []


# -- the checks themselves fail when they should ----------------------------------------------------------


def _fake_package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "landscape_gui"
    for rel, text in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return root


def test_an_export_module_importing_the_window_is_named(tmp_path):
    root = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "export/__init__.py": "",
            "export/render.py": "def f():\n    from landscape_gui.gui.main_window import MainWindow\n",
            "gui/__init__.py": "",
            "gui/main_window.py": "from landscape_gui.export import render\n",
        },
    )
    modules, edges = graph(root)
    bad = layer_violations(modules, edges, root)
    circles = cycle_report(modules, edges, root)
    assert bad == [
        "landscape_gui/export/render.py:2 (export): 'from landscape_gui.gui.main_window import MainWindow' reaches gui"
    ]
    assert len(circles) == 1
    assert "landscape_gui.export.render, landscape_gui.gui.main_window" in circles[0]
    assert (
        "landscape_gui/export/render.py:2: 'from landscape_gui.gui.main_window import MainWindow'"
        in circles[0]
    )
    assert "landscape_gui/gui/main_window.py:1: 'from landscape_gui.export import render'" in circles[0]


def test_a_lazy_circle_between_two_core_files_is_found(tmp_path):
    root = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "core/__init__.py": "",
            "core/a.py": "from landscape_gui.core.b import x\n",
            "core/b.py": "x = 1\ndef g():\n    from . import a\n",
        },
    )
    _, edges = graph(root)
    assert cycles(edges) == [["landscape_gui.core.a", "landscape_gui.core.b"]]


@pytest.mark.parametrize(
    "line", ["import pyqtgraph as pg", "from PySide6.QtCore import Qt", "import OpenGL.GL"]
)
def test_a_qt_import_in_the_core_is_seen(tmp_path, line):
    root = _fake_package(
        tmp_path, {"__init__.py": "", "core/__init__.py": "", "core/m.py": f"def f():\n    {line}\n"}
    )
    names = [n for n, _, _ in imports(root / "core" / "m.py", root)]
    assert any(n.split(".")[0] in GUI_LIBRARIES for n in names)


def readme_module_map(readme: Path = PACKAGE.parent / "README.md") -> dict[str, str]:
    """The module map of README's "How it is built": each ``name.py`` line, by its path in the package."""
    text = readme.read_text("utf-8")
    section = text[text.index("## How it is built") :]
    block = section[section.index("```text\n") + len("```text\n") :]
    block = block[: block.index("```")]
    folders: list[tuple[int, str]] = []  # (indent, folder) from the root down
    named: dict[str, str] = {}
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        entry, _, note = line.strip().partition(" ")
        while folders and folders[-1][0] >= indent:
            folders.pop()
        if entry.endswith("/"):
            folders.append((indent, entry))
        elif entry.endswith(".py"):
            named["".join(f for _, f in folders) + entry] = note.strip()
    return named


def test_readme_names_every_module_with_a_line_of_its_own():
    named = readme_module_map()
    modules = {
        str(p.relative_to(PACKAGE.parent))
        for p in PACKAGE.rglob("*.py")
        if p.name != "_builtins_numpy.py"  # generated: codegen.py names it
        and (p.name != "__init__.py" or p.parent in (PACKAGE, PACKAGE / "cli"))
    }
    assert sorted(modules - named.keys()) == [], "modules README's 'How it is built' does not name"
    assert sorted(named.keys() - modules) == [], "README names modules that do not exist"
    assert [m for m, note in named.items() if not note] == [], (
        "modules named without a line saying what they do"
    )
