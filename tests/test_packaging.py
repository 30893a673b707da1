"""The project's metadata builds with the pinned build backend without a deprecation warning
(setuptools announced that deprecated pyproject fields stop working in 2027)."""

from __future__ import annotations

import ast
import importlib.metadata
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.config import PROJECT_ROOT

PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
IGNORED_WHEN_COPYING = shutil.ignore_patterns("__pycache__", "*.pyc")

BUILD_METADATA = """
import setuptools.build_meta as backend
print(backend.prepare_metadata_for_build_wheel(sys.argv[1]))
"""


def test_the_metadata_builds_without_a_warning(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import sys" + BUILD_METADATA, str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Warning" not in result.stderr, result.stderr[-3000:]
    [metadata] = tmp_path.glob("*.dist-info/METADATA")
    text = metadata.read_text(encoding="utf-8")
    assert "License-Expression: MIT" in text and "Name: community-bot" in text


def _imported_top_level_modules(roots: list[Path]) -> set[str]:
    modules: set[str] = set()
    for root in roots:
        for source in root.rglob("*.py"):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return modules


def _declared_distributions() -> set[str]:
    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = {Requirement(spec).name for spec in declared["project"]["dependencies"]}
    return {canonicalize_name(name) for name in names}


def test_every_library_the_bot_imports_is_a_declared_dependency() -> None:
    """A library that only arrived as another package's dependency vanishes when that package
    changes its own: a fresh install then fails at import (CI saw it with `limits`)."""
    ours = {"bot", "adapters", "migrations", "__future__"}
    third_party = (
        _imported_top_level_modules([PROJECT_ROOT / "bot", PROJECT_ROOT / "adapters"])
        - set(sys.stdlib_module_names)
        - ours
    )
    providers = importlib.metadata.packages_distributions()
    declared = _declared_distributions()
    undeclared = {
        module: providers.get(module)
        for module in third_party
        if not declared & {canonicalize_name(name) for name in providers.get(module, [])}
    }
    assert not undeclared, f"imported but not in [project.dependencies]: {undeclared}"


def test_the_wheel_carries_the_web_pages_templates_and_translations(tmp_path: Path) -> None:
    """The Docker image installs the wheel, not the source tree: a file left out of it is a page
    that 404s or a language that falls back to English only in production."""
    source = tmp_path / "source"  # a copy: building in the checkout would reuse a stale build/
    for part in ("bot", "adapters"):
        shutil.copytree(PROJECT_ROOT / part, source / part, ignore=IGNORED_WHEN_COPYING)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    result = subprocess.run(
        [*PIP_WHEEL, "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "adapters/web_assets/chat.html",
        "adapters/web_assets/chat.js",
        "adapters/web_assets/widget.js",
        "adapters/web_assets/kb.html",
        "bot/locales/zh/LC_MESSAGES/messages.po",
    }
    assert expected <= names, sorted(expected - names)
    assert any(name.startswith("bot/dashboard/templates/") for name in names)
