"""No import cycles inside `bpv`: every module's imports of other `bpv` modules form a DAG.

Imports inside functions and under TYPE_CHECKING count too: a deferred import is a circle all the
same, only hidden.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import bpv

PACKAGE = Path(bpv.__file__).parent


def module_name(path: Path) -> str:
    parts = ["bpv", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def bpv_imports(module: str, source: str, is_package: bool, known: set[str]) -> set[str]:
    """The `bpv` modules that `module` imports, resolving relative and `from pkg import mod`."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            # `from bpv import lifecycle` imports the module bpv.lifecycle.
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return {name for name in found if name in known and name != module}


def import_graph() -> nx.DiGraph:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for module, path in paths.items():
        source = path.read_text()
        for imported in bpv_imports(module, source, path.name == "__init__.py", known):
            graph.add_edge(module, imported)
    return graph


def test_bpv_has_no_import_cycles() -> None:
    graph = import_graph()

    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]

    assert cycles == []


def test_a_package_importing_its_own_modules_is_not_a_cycle() -> None:
    # bpv.logic_model re-exports from its modules, and they import each other, not it.
    graph = import_graph()

    assert graph.has_edge("bpv.logic_model", "bpv.logic_model.model")
    assert not nx.has_path(graph, "bpv.logic_model.model", "bpv.logic_model")


def test_the_check_sees_a_deferred_import() -> None:
    source = "def f():\n    from bpv.hypotheses import SuccessHypothesis\n"
    known = {"bpv.hypotheses", "bpv.logic_model.model"}

    assert bpv_imports("bpv.logic_model.model", source, False, known) == {"bpv.hypotheses"}


def test_the_check_sees_a_relative_import() -> None:
    source = "from .quality import Quality\nfrom . import parts\n"
    known = {"bpv.logic_model.quality", "bpv.logic_model.parts", "bpv.logic_model"}

    found = bpv_imports("bpv.logic_model.model", source, False, known)

    assert found == {"bpv.logic_model.quality", "bpv.logic_model.parts", "bpv.logic_model"}
