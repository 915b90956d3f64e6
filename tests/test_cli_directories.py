"""A directory given where an article is expected: one line naming it, exit 2, and the
other files still processed (the same for every command that reads articles)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from routemap.cli import main


@pytest.mark.parametrize("command", ["places", "claims", "check", "map"])
def test_a_directory_among_the_articles_is_one_line_and_the_rest_go_on(command, examples_dir, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    good = examples_dir / "kim-beijing-2018.txt"
    extra = ["-o", str(tmp_path / "maps")] if command == "map" else []
    result = CliRunner().invoke(main, [command, str(good), str(folder), *extra])
    assert result.exit_code == 2, result.output
    errors = result.stderr.strip().splitlines()
    assert errors == [f"routemap: {folder}: is a directory, not an article"]
    assert "Traceback" not in result.stderr
    if command == "map":
        assert (tmp_path / "maps" / "kim-beijing-2018.html").is_file()
    else:
        assert "Beijing" in result.stdout
