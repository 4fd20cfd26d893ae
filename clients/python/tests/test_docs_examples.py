"""Every Python example of the README's "Python agent backends" section and of docs/clients/python.md, run as written
against the test cluster (``SESSIONS_URL``, ``SESSIONS_API_KEY``); ``agents`` is tests/sdk_standin. A line ending in
``# → text`` must have printed ``text``."""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re
from pathlib import Path

import pytest

from silos import REPOSITORY, Cluster


def examples() -> list[tuple[str, str]]:
    readme = (REPOSITORY / "README.md").read_text()
    section = readme[readme.index("## Python agent backends"):]
    section = section[: section.index("\n## ", 1)]
    found = [("README.md", section), ("docs/clients/python.md", (REPOSITORY / "docs/clients/python.md").read_text())]
    return [(f"{name}#{n}", block) for name, text in found
            for n, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.S), start=1)]


@pytest.mark.parametrize(("where", "code"), examples(), ids=[where for where, _ in examples()])
async def test_the_example_runs_as_written(where: str, code: str, cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSIONS_URL", cluster.base_url)
    monkeypatch.setenv("SESSIONS_API_KEY", cluster.api_key)
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "sdk_standin"))
    printed = io.StringIO()
    compiled = compile(code, where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    with contextlib.redirect_stdout(printed):
        result = eval(compiled, {"__name__": "__example__"})
        if inspect.iscoroutine(result):
            await result
    expected = re.findall(r"# → (.+)$", code, re.M)
    assert expected or "print(" not in code, f"{where} prints without saying what"
    for text in expected:
        assert text.strip() in printed.getvalue(), f"{where} did not print {text!r}:\n{printed.getvalue()}"
