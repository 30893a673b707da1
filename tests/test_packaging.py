"""The project's metadata builds with the pinned build backend without a deprecation warning
(setuptools announced that deprecated pyproject fields stop working in 2027)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

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
