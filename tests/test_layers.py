"""Import boundaries issue 12 drew: prompts and the model layer do not import each other, and
no route module imports another (what routes share lives in service/api)."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[1] / "service"


def _imports(path: Path) -> set[str]:
    """The `service.*` modules a file imports (at any depth, lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("service"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("service"))
    return found


def test_prompts_and_llm_do_not_import_each_other() -> None:
    assert not {m for m in _imports(SERVICE / "prompts.py") if m.startswith("service.llm")}
    # The model layer may use prompts (it completes rendered prompts); the message type both
    # need is in service.messages.
    assert "service.messages" in _imports(SERVICE / "prompts.py")


def test_route_modules_do_not_import_each_other() -> None:
    routes = SERVICE / "api" / "routes"
    names = {f"service.api.routes.{p.stem}" for p in routes.glob("*.py") if p.stem != "__init__"}
    for path in routes.glob("*.py"):
        others = names - {f"service.api.routes.{path.stem}"}
        assert not (_imports(path) & others), path.name
