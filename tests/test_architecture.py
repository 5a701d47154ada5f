"""The architecture docs/architecture.md describes, pinned: no import cycles inside
lambda_wait, and the domain modules import no AWS SDK, CLI or terminal library.

The graph is read from the source with ast, not by importing it, and counts every
import: at module level, inside functions (lazy imports are still dependencies:
they only move when the cost is paid) and under ``if TYPE_CHECKING:`` (a type the
code names is a dependency of its design). ``from lambda_wait.x import name`` is an
edge to ``lambda_wait.x.name`` when that is a module, else to ``lambda_wait.x``. A
module's own parent packages are not edges: Python runs a package's __init__ before
its submodules, but an __init__ that re-exports its submodules would otherwise make
every package a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lambda_wait"

# Known cycles, each waiting for a fix by its owner; remove the entry when it lands.
# (The sandbox's app <-> control cycle was the last one; the sandbox split ended it.)
KNOWN_CYCLES: list[set[str]] = []

DOMAIN = [
    "lambda_wait.states",
    "lambda_wait.reasons",
    "lambda_wait.budget",
    "lambda_wait.clock",
    "lambda_wait.errors",
    "lambda_wait.inputs",
    "lambda_wait.deploy.plan",
    "lambda_wait.schedule",  # checked from the day it exists
    "lambda_wait.priors",
    "lambda_wait.wait_model",
    "lambda_wait.peers",
    "lambda_wait.release",  # a package: every module in it
    "lambda_wait.serving",
    "lambda_wait.targets",  # a package: the wait-target registry
    "lambda_wait.events",  # what the renderers are handed: pure data
    "lambda_wait.output_mode",
    "lambda_wait.anchor",  # the operation's start and the server clock, from Date headers
    "lambda_wait.untrusted",  # cleaning AWS's strings and scrubbing known secrets
    "lambda_wait.signals",  # Ctrl-C and SIGTERM as one typed Stopped
]
FORBIDDEN_IN_DOMAIN = ("boto3", "botocore", "click", "rich")
# Known exceptions, each waiting for a fix by its owner; remove the entry when it lands.
# (reasons.py's docs generator, which read botocore's enums, moved to reasons_doc.py.)
KNOWN_DOMAIN_IMPORTS: set[tuple[str, str]] = set()


def forbidden_imports(name: str) -> set[str]:
    """The libraries a domain module must not use that ``name`` imports."""
    roots = {imported.split(".")[0] for imported in imports_of(name)}
    return {
        root
        for root in roots & set(FORBIDDEN_IN_DOMAIN)
        if (name, root) not in KNOWN_DOMAIN_IMPORTS
    }


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


MODULES = _modules()
PRESENT_DOMAIN = sorted(
    name for name in MODULES if any(name == d or name.startswith(f"{d}.") for d in DOMAIN)
)


def imports_of(name: str) -> set[str]:
    """Every absolute module name ``name`` imports (lambda_wait's and third parties')."""
    path, is_package = MODULES[name]
    here = name.split(".") if is_package else name.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                child = f"{module}.{alias.name}"
                names.add(child if child in MODULES else module)
    return names


def graph() -> dict[str, set[str]]:
    return {
        name: {dep for dep in imports_of(name) if dep in MODULES and dep != name}
        for name in MODULES
    }


def cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    edges = graph()
    assert "lambda_wait.ui.output" in edges["lambda_wait.commands._common"]  # in a function
    assert "lambda_wait.deploy.model" in edges["lambda_wait.result"]  # TYPE_CHECKING only
    assert "lambda_wait.commands._boundary" in edges["lambda_wait.cli"]  # module level


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_lambda_wait_has_no_import_cycle() -> None:
    unexpected = [cycle for cycle in cycles(graph()) if cycle not in KNOWN_CYCLES]
    assert unexpected == [], "import cycles (see docs/architecture.md for which way imports go)"


@pytest.mark.parametrize("name", PRESENT_DOMAIN)
def test_domain_modules_import_no_sdk_cli_or_terminal_library(name: str) -> None:
    assert forbidden_imports(name) == set()


def test_domain_modules_import_only_other_pure_modules() -> None:
    """Transitively too: a domain module that imports lambda_wait.aws pulls in boto3."""
    edges = graph()
    for name in PRESENT_DOMAIN:
        seen, todo = set(), [name]
        while todo:
            for dep in edges[todo.pop()] - seen:
                seen.add(dep)
                todo.append(dep)
        for dep in seen:
            bad = forbidden_imports(dep)
            assert not bad, f"{name} imports {dep}, which imports {bad}"


def test_presentation_is_imported_only_by_the_cli_and_the_commands() -> None:
    edges = graph()
    allowed = ("lambda_wait.ui", "lambda_wait.commands", "lambda_wait.cli")
    importers = {
        name
        for name, deps in edges.items()
        if any(dep.startswith("lambda_wait.ui") for dep in deps) and not name.startswith(allowed)
    }
    assert importers == set(), "only commands render; the rest returns data (result.py)"


def test_only_the_aws_adapter_talks_to_boto3() -> None:
    # The call path (aws_path.py) sends every request of every service and builds every
    # client (tests/test_aws_path.py proves that); aws_setup.py builds the session and
    # botocore's configuration for it; aws_model.py reads botocore's service model offline.
    # The typed adapters (aws.py, cloudwatch.py) go through the path: no botocore. The
    # sandbox is moto's.
    allowed = {"lambda_wait.aws_path", "lambda_wait.aws_model", "lambda_wait.aws_setup"}
    users = {
        name
        for name in MODULES
        if not name.startswith("lambda_wait.sandbox")
        and {i.split(".")[0] for i in imports_of(name)} & {"boto3", "botocore"}
    }
    assert users <= allowed, users - allowed


# The layers of docs/architecture.md, top to bottom; a module may import its own layer
# and the ones below it, never one above (data flows one way).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("cli", ("lambda_wait.cli", "lambda_wait.__main__")),
    ("commands", ("lambda_wait.commands",)),
    # Click's parameter types and shared option groups: the CLI and the commands read them.
    ("options", ("lambda_wait.options",)),
    ("presentation", ("lambda_wait.ui",)),
    # status and wait without Click: a request in, a CommandResult (results) out.
    ("command use cases", ("lambda_wait.usecases",)),
    ("results", ("lambda_wait.result",)),
    (
        "use cases",
        (
            "lambda_wait.api",
            "lambda_wait.selecting",
            "lambda_wait.waiter",
            "lambda_wait.wake",
            "lambda_wait.deploy",
            "lambda_wait.cooldown",
            "lambda_wait.history",
            # init, versions and rollback: the release model's use cases (they read the
            # function through deploy.reading, download code, write init's files).
            "lambda_wait.release.actions",
        ),
    ),
    # The outside world: AWS through the one call path (and the typed adapters over it),
    # a code package's download, the cache directory, init's files; reasons_doc reads
    # botocore's enums to write docs/reason-codes.md.
    (
        "adapters",
        (
            "lambda_wait.aws",
            "lambda_wait.aws_path",
            "lambda_wait.aws_setup",
            "lambda_wait.aws_model",
            "lambda_wait.aws_errors",
            "lambda_wait.answers",
            "lambda_wait.aws_service",
            "lambda_wait.cloudwatch",
            "lambda_wait.s3",
            "lambda_wait.ecr",
            # The evidence reads and the deploy's preflight over the call path.
            "lambda_wait.evidence",
            "lambda_wait.ssm",
            "lambda_wait.secretsmanager",
            "lambda_wait.code_download",
            "lambda_wait.cache",
            "lambda_wait.writes",
            "lambda_wait.reasons_doc",
        ),
    ),
]
# Known breaks of the direction, each waiting for a fix by its owner; remove it when fixed.
KNOWN_UPWARD: set[tuple[str, str]] = set()


def layer_of(name: str) -> int | None:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(name == p or name.startswith(f"{p}.") for p in prefixes):
            return rank
    if any(name == d or name.startswith(f"{d}.") for d in DOMAIN):
        return len(LAYERS)  # the pure domain: the bottom
    return None


def test_data_flows_one_way_through_the_layers() -> None:
    upward = {
        (name, dep)
        for name, deps in graph().items()
        for dep in deps
        if (mine := layer_of(name)) is not None
        and (theirs := layer_of(dep)) is not None
        and theirs < mine
    }
    assert upward - KNOWN_UPWARD == set(), "an import against the layers' direction"
    assert KNOWN_UPWARD - upward == set(), "listed as known but fixed: drop the entry"


# Outside the layers: the package itself, the bundled example function, the sandbox (moto's
# side of the wire; nothing but commands/sandbox.py, commands/demo.py and tests import it).
UNLAYERED = ("lambda_wait", "lambda_wait.examples", "lambda_wait.sandbox")


def test_every_module_has_a_layer() -> None:
    """docs/architecture.md's table has a row for every module: this is that table."""
    missing = {
        name
        for name in MODULES
        if layer_of(name) is None
        and name not in UNLAYERED
        and not name.startswith(("lambda_wait.examples.", "lambda_wait.sandbox."))
    }
    assert missing == set(), "add it to LAYERS or DOMAIN, and to docs/architecture.md's table"


MAX_MODULE_LINES = 400  # data modules excepted (DATA_MODULES)
MAX_FUNCTION_LINES = 60  # from `def` to its last line; decorators not counted
DATA_MODULES = {"lambda_wait.reasons"}  # the reason catalogue: one entry per code
# Known oversize pieces, each waiting for its split; remove the entry when it lands (the
# test fails on an entry that is no longer oversize, so the list never outlives the debt).
KNOWN_LONG_MODULES: set[str] = set()
KNOWN_LONG_FUNCTIONS: set[str] = set()


def sizes() -> tuple[dict[str, int], dict[str, int]]:
    """Each module's lines and each function's (``module:name``), from the source."""
    modules, functions = {}, {}
    for name, (path, _) in MODULES.items():
        source = path.read_text(encoding="utf-8")
        modules[name] = len(source.splitlines())
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                key = f"{name}:{node.name}"
                functions[key] = max(length, functions.get(key, 0))
    return modules, functions


def test_modules_and_functions_stay_small() -> None:
    modules, functions = sizes()
    long_modules = {
        name
        for name, lines in modules.items()
        if lines > MAX_MODULE_LINES and name not in DATA_MODULES
    }
    long_functions = {key for key, lines in functions.items() if lines > MAX_FUNCTION_LINES}
    assert long_modules - KNOWN_LONG_MODULES == set(), f"over {MAX_MODULE_LINES} lines: split"
    assert long_functions - KNOWN_LONG_FUNCTIONS == set(), f"over {MAX_FUNCTION_LINES} lines"
    stale = (KNOWN_LONG_MODULES - long_modules) | (KNOWN_LONG_FUNCTIONS - long_functions)
    assert stale == set(), "listed as known but no longer oversize: drop the entry"


def test_the_docs_table_names_every_top_level_module_and_package() -> None:
    """docs/architecture.md's layers table names each ``lambda_wait/x.py`` as ``x.py`` and
    each package as ``x/`` (a package's modules are described with the package)."""
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = doc[doc.index("## The layers") : doc.index("Import rules the tests enforce")]
    top = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    packages = {
        name.split(".")[1]
        for name, (_, is_pkg) in MODULES.items()
        if is_pkg and name.count(".") == 1
    }
    missing = {
        name for name in top if (f"`{name}/" if name in packages else f"`{name}.py`") not in table
    }
    assert missing == set(), "name it in docs/architecture.md's layers table"
