"""The README's Python example, run exactly as written there, so that the README stays true."""

from __future__ import annotations

import re

from conftest import REPO

SECTION = "## Using exsync from Python"


def readme_example() -> str:
    text = (REPO / "README.md").read_text()
    assert SECTION in text, f"README.md has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, re.S | re.M)
    assert len(blocks) == 1, "the Python section should hold exactly one python example"
    return blocks[0]


def test_the_readme_example_runs_and_syncs_both_ways(capsys):
    code = readme_example()
    exec(compile(code, "README.md (Python example)", "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out.splitlines()
    assert "contacts sent: 1 received: 1" in out, out
    assert "events sent: 0 received: 0" in out, out
    assert any(line.startswith("apply ") and line.endswith(" Dana Ruiz") for line in out), out
    assert out.count("progress: folder_started") == 2 and out.count("progress: folder_done") == 2, out
