"""The house: folders are floors, and no module imports from a floor above its own."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mapapp"
# Bottom to top. A module may import from its own floor or any floor below.
FLOORS = ["core", "domain", "geo", "importer", "store", "render", "http", "web", "cli", "app"]
CONFINED = {  # third-party libraries and the only places that may import them
    "sqlalchemy": ("store",), "alembic": ("store",),
    "shapely": ("geo",), "pyproj": ("geo",), "geopandas": ("geo",), "pyogrio": ("geo",),
    "numpy": ("geo",), "pandas": ("geo",),
    # Folium map building: the maps and their custom elements.
    "folium": ("render/maps.py", "render/map_elements.py"), "branca": ("render/maps.py", "render/map_elements.py"),
}
MAX_LINES = 400


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, path.relative_to(PACKAGE)


def floor_of(rel: Path) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem if rel.stem == "app" else "app"


def imports(path: Path, rel: Path):
    """(module imported, line) for every import of the file, resolved to dotted names."""
    package = ["mapapp", *rel.parts[:-1]]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package[: len(package) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            names = [f"{base}.{a.name}" for a in node.names] if node.module is None or node.level else []
            yield from ((n, node.lineno) for n in (names or [base]))


def test_no_module_imports_from_a_higher_floor():
    wrong = []
    for path, rel in modules():
        mine = FLOORS.index(floor_of(rel))
        for name, line in imports(path, rel):
            parts = name.split(".")
            if parts[0] != "mapapp" or len(parts) < 2:
                continue
            target = parts[1] if parts[1] in FLOORS else "app"
            if FLOORS.index(target) > mine:
                wrong.append(f"{rel}:{line} imports {name} ({floor_of(rel)} → {target})")
    assert not wrong, "\n".join(wrong)


def test_libraries_stay_in_their_layer():
    wrong = []
    for path, rel in modules():
        for name, line in imports(path, rel):
            allowed = CONFINED.get(name.split(".")[0])
            if allowed and not any(str(rel).startswith(a) for a in allowed):
                wrong.append(f"{rel}:{line} imports {name} (only in {', '.join(allowed)})")
    assert not wrong, "\n".join(wrong)


def test_no_import_loops_between_modules():
    graph = {}
    for path, rel in modules():
        me = ".".join(["mapapp", *rel.with_suffix("").parts]).removesuffix(".__init__")
        graph[me] = {n for n, _ in imports(path, rel) if n.startswith("mapapp.")}
    known = set(graph)

    def resolve(name):
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    edges = {m: {resolve(n) for n in targets} - {m, "mapapp", ""} for m, targets in graph.items()}
    state, loops = {}, []

    def visit(node, trail):
        state[node] = "open"
        for nxt in edges.get(node, ()):
            if state.get(nxt) == "open" and not node.startswith(nxt + "."):
                loops.append(" → ".join(trail[trail.index(nxt):] + [nxt]) if nxt in trail else f"{node} → {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not loops, "\n".join(loops)


def test_modules_stay_small():
    large = [f"{rel}: {n} lines" for path, rel in modules()
             if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not large, large
