"""Every command's --help reads as written: no doubled percent signs, no format leftovers."""

from __future__ import annotations

import pytest

from capsim.cli import COMMANDS, main


@pytest.mark.parametrize("command", list(COMMANDS))
def test_help_has_no_doubled_percent(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert command in text
    assert "%%" not in text
    assert "%(" not in text
