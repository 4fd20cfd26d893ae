"""The package installs from its folder with Debian's Python, pip and setuptools alone, typed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def test_it_installs_from_its_folder_without_an_index(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.egg-info", "build", ".pytest_cache"))
    target = tmp_path / "installed"
    build = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
                            "--target", str(target), str(source)], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    assert (target / "orleans_sessions" / "py.typed").exists()
    metadata = (next(target.glob("orleans_sessions-*.dist-info")) / "METADATA").read_text()
    assert re.search(r"^Requires-Dist: httpx ?\(?>=0\.23\)?$", metadata, re.M) and "Requires-Python: >=3.10" in metadata
    imported = subprocess.run([sys.executable, "-c", "import orleans_sessions; print(orleans_sessions.__file__)"],
                              capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(target)})
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == str(target / "orleans_sessions" / "__init__.py")
