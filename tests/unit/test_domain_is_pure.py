"""The domain core imports only the standard library and itself, so it needs no I/O to test."""

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"
MODULES = sorted(DOMAIN.rglob("*.py"))


def imported_modules(source: str) -> list[str]:
    """Return every absolute module name a source file imports."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def is_allowed(module: str) -> bool:
    """Tell whether a domain module may import module."""
    top = module.split(".")[0]
    return (
        top in sys.stdlib_module_names or module == "app.domain" or module.startswith("app.domain.")
    )


def test_the_domain_has_modules_to_check() -> None:
    assert any(path.name == "routing.py" for path in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(DOMAIN).as_posix())
def test_domain_module_imports_only_the_standard_library_and_the_domain(path: Path) -> None:
    outside = [m for m in imported_modules(path.read_text()) if not is_allowed(m)]
    assert outside == [], f"{path.name} imports {outside}"


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("zoneinfo", True),
        ("collections.abc", True),
        ("app.domain.hours", True),
        ("app.models", False),
        ("app", False),
        ("sqlmodel", False),
        ("litestar.exceptions", False),
    ],
)
def test_import_rule_tells_the_domain_from_the_rest(module: str, allowed: bool) -> None:
    assert is_allowed(module) is allowed
