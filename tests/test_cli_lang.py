"""Chinese on the command line: help, messages and errors with ``--lang zh`` or from a
Chinese locale (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import argparse

import pytest
from conftest import SCENARIOS

from capsim.cli import COMMANDS, build_parser, main
from capsim.i18n import HELP_ZH, locale_lang

NANJIANG = str(SCENARIOS / "nanjiang-2016.yaml")


@pytest.fixture(autouse=True)
def english_locale(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def test_the_locale_chooses_the_language():
    assert locale_lang({}) == "en"
    assert locale_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert locale_lang({"LANG": "zh_TW.UTF-8"}) == "zh"
    assert locale_lang({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert locale_lang({"LC_MESSAGES": "zh_CN", "LANG": "C"}) == "zh"


def test_every_option_and_command_has_chinese_help():
    parser = build_parser(lang="en")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for name, p in sub.choices.items():
        if name not in HELP_ZH or f"{name}:line" not in HELP_ZH:
            missing.append(name)
        for action in p._actions:
            if f"{name}.{action.dest}" not in HELP_ZH and action.dest not in HELP_ZH:
                missing.append(f"{name} {action.dest}")
    assert missing == []


@pytest.mark.parametrize("command", list(COMMANDS))
def test_help_in_chinese(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help", "--lang", "zh"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：capsim") and "选项" in out and "显示本帮助并退出" in out
    assert "show this help" not in out and "options:" not in out


def test_help_follows_the_locale(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "模拟一个方案" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["check", "--help", "--lang", "en"])
    out = capsys.readouterr().out
    assert out.startswith("usage: capsim check") and "Check a scenario against" in out


def test_messages_and_errors_in_chinese(monkeypatch, capsys):
    assert main(["validate", NANJIANG, "--lang", "zh"]) == 0
    assert "有效——南江县 2016：9 家机构" in capsys.readouterr().out
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["validate", NANJIANG]) == 0
    assert "有效" in capsys.readouterr().out
    assert main(["check", "no-such-file.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err
    with pytest.raises(SystemExit) as done:
        main(["size", NANJIANG, "--rounds", "0"])
    assert done.value.code == 2
    assert capsys.readouterr().err.startswith("错误：capsim size：")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main(["check", "no-such-file.yaml"]) == 2
    assert capsys.readouterr().err.startswith("error: ")
