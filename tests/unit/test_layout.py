"""The house rules of the code base, checked on its source (docs/architecture.md, "One layout").

- every platform package has the same files for the same roles: ``routes/`` (one module per
  resource of the contract; Cashier: per request type), ``schemas``, ``errors`` (envelope and the
  OpenAPI catalogue), ``render``, ``store`` (a module or a package);
- no module of a platform outside its ``store`` runs SQL;
- no function in ``app/platforms`` is longer than ``MAX_FUNCTION_LINES``;
- no platform imports another, and no module imports, directly or around a circle, one that
  imports it back (``app``, ``simulators``, ``seeds``; imports under ``TYPE_CHECKING`` are not
  imports at run time and do not count).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATFORMS_DIR = ROOT / "app" / "platforms"
PLATFORMS = sorted(p.name for p in PLATFORMS_DIR.iterdir() if (p / "__init__.py").exists())
MAX_FUNCTION_LINES = 60
# Role -> what may hold it: a module or a package of that name.
ROLES = {
    "routes": ("routes/__init__.py",),
    "schemas": ("schemas.py", "schemas/__init__.py"),
    "errors": ("errors.py",),
    "render": ("render.py", "render/__init__.py"),
    "store": ("store.py", "store/__init__.py"),
}
# A string that is a statement: SELECT ... FROM, INSERT INTO, UPDATE x SET, DELETE FROM, CREATE/DROP.
SQL = re.compile(
    r"\bSELECT\b[\s\S]+\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(CREATE|DROP)\s+(TABLE|INDEX)\b",
    re.IGNORECASE,
)


def modules(package: Path) -> Iterator[Path]:
    yield from sorted(package.rglob("*.py"))


def in_store(path: Path, platform: Path) -> bool:
    rel = path.relative_to(platform).parts
    return rel[0] in ("store.py", "store")


def strings_of(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            # an interpolated name reads as a name: f"UPDATE {table} SET ..." is a statement
            text = "".join(
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "x" for v in node.values
            )
            yield node.lineno, text


def docstrings(tree: ast.AST) -> set[int]:
    """Line numbers of docstrings (prose may say 'select ... from')."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(body[0].value.lineno)
    return found


def sql_outside_store(platform: Path) -> list[str]:
    found = []
    for path in modules(platform):
        if in_store(path, platform):
            continue
        tree = ast.parse(path.read_text(), str(path))
        skip = docstrings(tree)
        for line, text in strings_of(tree):
            if line not in skip and SQL.search(text):
                found.append(f"{path.relative_to(platform.parent)}:{line}")
    return found


def long_functions(root: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """Functions (outermost; nested ones count in theirs) longer than ``limit`` lines, decorators excluded."""
    found = []
    for path in modules(root):
        tree = ast.parse(path.read_text(), str(path))
        for node in _outermost_functions(tree):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name} ({length} lines)")
    return found


def _outermost_functions(node: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            yield child
        else:
            yield from _outermost_functions(child)


# --- the import graph ---------------------------------------------------------------------------


def module_files() -> dict[str, Path]:
    found = {}
    for base in ("app", "simulators", "seeds"):
        for path in (ROOT / base).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules ``name`` imports at run time (anywhere in the module, functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                assert isinstance(child, ast.If)
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names if alias.name in known)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    source = ".".join([*base, child.module] if child.module else base)
                else:
                    source = child.module or ""
                for alias in child.names:
                    full = f"{source}.{alias.name}"
                    if full in known:
                        found.add(full)
                    elif source in known:
                        found.add(source)
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    known = module_files()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


# --- the tests ----------------------------------------------------------------------------------

# Platforms not moved to the layout yet (issue #24): each check is a strict expected failure for
# them, so a platform leaves this table in the commit that makes it pass.
NOT_YET: dict[str, set[str]] = {
    "roles": set(),
    "sql": set(),
    "long": set(),
}
KNOWN_CIRCLES: list[list[str]] = []


def per_platform(check: str) -> list[object]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="not moved to the layout yet"))
        if name in NOT_YET[check]
        else name
        for name in PLATFORMS
    ]


@pytest.mark.parametrize("platform", per_platform("roles"))
def test_every_platform_has_the_same_roles(platform: str) -> None:
    package = PLATFORMS_DIR / platform
    missing = [role for role, places in ROLES.items() if not any((package / place).exists() for place in places)]
    assert not missing, f"app/platforms/{platform} has no {missing}"
    assert not (package / "openapi.py").exists(), "the OpenAPI error catalogue lives in errors.py"
    route_modules = [p for p in (package / "routes").glob("*.py") if p.name != "__init__.py"]
    assert route_modules, f"app/platforms/{platform}/routes holds no resource module"


@pytest.mark.parametrize("platform", per_platform("sql"))
def test_only_the_store_runs_sql(platform: str) -> None:
    assert sql_outside_store(PLATFORMS_DIR / platform) == []


@pytest.mark.parametrize("platform", per_platform("long"))
def test_no_long_functions(platform: str) -> None:
    assert long_functions(PLATFORMS_DIR / platform) == []


def test_no_platform_imports_another() -> None:
    graph = import_graph()
    crossing = [
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.startswith("app.platforms.") and name.split(".")[2:3] != ["base"]
        for target in targets
        if target.startswith("app.platforms.") and target.split(".")[2] not in (name.split(".")[2], "base")
    ]
    assert crossing == []


def test_no_import_circles() -> None:
    assert sorted(circles(import_graph())) == KNOWN_CIRCLES


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The detectors find what they look for (so an empty answer above means something)."""
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    package = tmp_path / "demo"
    (package / "store").mkdir(parents=True)
    (package / "store" / "__init__.py").write_text('Q = "SELECT id FROM accounts"\n')
    (package / "payments.py").write_text(
        '"""Select the payer from the list."""\n'
        "def pay(conn, table):\n"
        '    return conn.execute(f"UPDATE {table} SET status = ?", ("done",))\n'
        + "".join(f"    x{i} = {i}\n" for i in range(60))
    )
    assert sql_outside_store(package) == ["demo/payments.py:3"]
    assert long_functions(package) == ["demo/payments.py:2 pay (62 lines)"]
