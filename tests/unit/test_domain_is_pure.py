"""The domain core imports only the standard library and itself, so it needs no I/O to test."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "app" / "domain"
MODULES = sorted(DOMAIN.rglob("*.py"))


def package_of(path: Path) -> str:
    """The package a source file belongs to, as a dotted name (`app/domain/x.py` → `app.domain`)."""
    return ".".join(path.relative_to(ROOT).parent.parts)


def absolute(node: ast.ImportFrom, package: str) -> str:
    """The module a `from … import` names, with a relative one resolved against `package`;
    a relative import that climbs above the top package is answered as `..` (never allowed)."""
    if node.level == 0:
        return node.module or ""
    parts = package.split(".")
    if node.level > len(parts):
        return ".."
    base = parts[: len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(source: str, package: str = "app.domain") -> list[str]:
    """Return every module a source file of `package` imports, relative imports made absolute."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(absolute(node, package))
    return names


def is_allowed(module: str) -> bool:
    """Tell whether a domain module may import module."""
    top = module.split(".")[0]
    return (
        top in sys.stdlib_module_names or module == "app.domain" or module.startswith("app.domain.")
    )


def outside_imports(source: str, package: str = "app.domain") -> list[str]:
    """The modules a domain source file imports that it may not."""
    return [m for m in imported_modules(source, package) if not is_allowed(m)]


def test_the_domain_has_modules_to_check() -> None:
    assert any(path.name == "routing.py" for path in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(DOMAIN).as_posix())
def test_domain_module_imports_only_the_standard_library_and_the_domain(path: Path) -> None:
    outside = outside_imports(path.read_text(), package_of(path))
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


@pytest.mark.parametrize(
    ("source", "package", "outside"),
    [
        ("from ..models import Rep", "app.domain", ["app.models"]),
        ("from .. import models", "app.domain", ["app"]),
        ("from ...services import assigner", "app.domain.sub", ["app.services"]),
        ("from .... import x", "app.domain", [".."]),
        ("from .hours import WeeklyHours", "app.domain", []),
        ("from . import routing", "app.domain", []),
        ("from .. import hours", "app.domain.sub", []),
        ("import sqlmodel\nfrom zoneinfo import ZoneInfo", "app.domain", ["sqlmodel"]),
    ],
)
def test_the_checker_resolves_relative_imports(
    source: str, package: str, outside: list[str]
) -> None:
    assert outside_imports(source, package) == outside


def test_a_domain_file_is_checked_in_its_own_package() -> None:
    assert package_of(DOMAIN / "routing.py") == "app.domain"
