"""The host package on its own: pip-installed into a fresh virtual environment outside this
repository, the example test of its README (read from the README itself) passes there."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tools" / "durable-host"
# Filled by `make test` from the versions this project pins; the install reaches no registry.
WHEELHOUSE = ROOT / ".local" / "wheelhouse"
EXAMPLE = re.compile(r"<!-- example: (\S+) -->\n```python\n(.*?)```", re.S)


def readme_examples() -> dict[str, str]:
    """The files the README shows, by name: an app and tests of it."""
    return dict(EXAMPLE.findall((PACKAGE / "README.md").read_text(encoding="utf-8")))


def test_the_readme_shows_an_app_and_a_ten_line_test() -> None:
    files = readme_examples()
    assert {"reminder_app.py", "test_reminder.py"} <= files.keys()
    assert len(files["test_reminder.py"].strip().splitlines()) <= 11  # ten lines and a blank


@pytest.mark.install
def test_readme_example_passes_in_a_fresh_venv(tmp_path: Path) -> None:
    # A copy of the package, so pip's in-tree build leaves nothing behind in the repository.
    assert (WHEELHOUSE / ".ok").exists(), "no wheelhouse: run `make .local/wheelhouse/.ok`"
    source = tmp_path / "durable-host"
    shutil.copytree(
        PACKAGE, source, ignore=shutil.ignore_patterns("tests", "*.egg-info", "__pycache__")
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    venv = tmp_path / "venv"
    # The interpreter this suite runs on, without its site-packages: nothing is inherited.
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-index", "--find-links", str(WHEELHOUSE), str(source), "pytest"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]

    project = tmp_path / "someone-elses-app"
    project.mkdir()
    for name, code in readme_examples().items():
        (project / name).write_text(code, encoding="utf-8")
    run = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    tests = sum(name.startswith("test_") for name in readme_examples())
    assert f"{tests} passed" in run.stdout
