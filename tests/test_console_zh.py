"""The command line in Chinese leaves no English sentence: `capsim run --lang zh` and
`capsim check --lang zh` on shipped scenarios, the load warning, a scenario file's errors; and
the README's command table lists every command with every option its --help gives."""

from __future__ import annotations

import argparse
import logging
import re

import pytest
import yaml
from conftest import ROOT, SCENARIOS, assert_conserved, base_dict

from capsim import load_scenario
from capsim.cli import build_parser, main
from capsim.i18n import check_note_zh, error_reason_zh
from capsim.targets.catalogue import load_catalogue

#: Latin words a Chinese line may hold: the program's name, the names of its engine's
#: libraries and of a queueing model, and abbreviations a Chinese planner reads as they are.
LATIN_WORDS = {"capsim", "simpy", "Erlang", "DDI", "NICU", "WISN", "Birthrate", "Plus"}

#: File names and folders the commands print (they are written as they are on disk).
FILE_NAME = re.compile(r"[\w./-]+\.(?:csv|png|yaml|yml|xlsx|json|html|md|sqlite)\b|/[\w./-]+")
#: Scenario field paths (`pathway.emergency_preparation`, `facilities[a].beds`): ids.
FIELD_PATH = re.compile(r"\b[a-z_]+(?:\[[^\]]*\])?(?:\.[a-z_]+(?:\[[^\]]*\])?)+\b")
#: A command the text tells the planner to run (`capsim size`).
COMMAND = re.compile(r"\bcapsim [a-z]+\b")
#: A citation in brackets: it holds a year of publication (`(Bain et al., MJA 2010;192:42)`).
CITATION = re.compile(r"[（(][^（）()]*\b(?:19|20)\d\d\b[^（）()]*[）)]")
#: tqdm's progress bar (standard error): the scenario's name, a percentage, a rate.
PROGRESS_BAR = re.compile(r"[^\r\n]*\d+%\|[^\r\n]*")


def english_left(text: str, names: set[str]) -> list[str]:
    """Latin words of three letters or more left in ``text`` once the names it may quote
    (``names``: the scenario's and its facilities', the citations of its sources), file names,
    field paths, citations and `LATIN_WORDS` are taken out; empty when the text is Chinese."""
    flat = " ".join(text.split())     # a wrapped line rejoined, so a name matches across it
    for name in sorted(names, key=len, reverse=True):
        flat = flat.replace(" ".join(name.split()), " ")
    for pattern in (PROGRESS_BAR, FILE_NAME, FIELD_PATH, COMMAND, CITATION):
        flat = pattern.sub(" ", flat)
    return sorted({w for w in re.findall(r"[A-Za-z]{3,}", flat) if w not in LATIN_WORDS})


def scenario_names(scenario) -> set[str]:
    """The names a command may quote from ``scenario``: its own, its facilities' (ids and
    names in both languages), and the ids and sources of the standards and targets it is
    checked against."""
    names = {scenario.name, scenario.display_name("zh"), scenario.display_name("en")}
    for f in scenario.facilities:
        names |= {f.id, f.name, f.name_en or f.name}
    standards = [*load_catalogue().standards, *scenario.targets.local]
    names |= {s.source.cite() for s in standards if s.source is not None}
    names |= {f"[{s.id}]" for s in standards}
    return names


@pytest.fixture
def conserved_runs(monkeypatch):
    """Every simulation a command makes is checked for conservation of women."""
    import capsim.run

    simulate = capsim.run.simulate

    def checked(*args, **kwargs):
        results = simulate(*args, **kwargs)
        assert_conserved(results)
        return results

    monkeypatch.setattr(capsim.run, "simulate", checked)


def test_the_check_finds_english_and_passes_chinese():
    names = {"Township centre 1"}
    assert english_left("中心卫生院一：Township centre 1", names) == []
    assert english_left("床位 beds are short", names) == ["are", "beds", "short"]
    assert english_left("已写入 /tmp/x/：summary.csv, flows.csv", set()) == []
    assert english_left("依据 pathway.roster 与 facilities[a].beds", set()) == []
    assert english_left("可用 capsim size 确认", set()) == []
    assert english_left("标准（Bain et al., MJA 2010;192:42）", set()) == []


@pytest.mark.parametrize("name", ["nanjiang-2016.yaml", "jizhou-paediatric-alliance.yaml"])
def test_capsim_run_in_chinese_prints_no_english_sentence(name, tmp_path, capsys,
                                                          conserved_runs):
    # One year (the single-year layout) and three years with newborn and paediatric care.
    path = SCENARIOS / name
    assert main(["run", str(path), "-n", "2", "--workers", "1", "--out", str(tmp_path / "r"),
                 "--lang", "zh"]) == 0
    out = capsys.readouterr()
    assert "已写入" in out.out and "一页摘要" in out.out
    assert english_left(out.out + out.err, scenario_names(load_scenario(path))) == []


def test_capsim_run_in_english_is_unchanged_in_its_words(tmp_path, capsys, conserved_runs):
    path = SCENARIOS / "nanjiang-2016.yaml"
    assert main(["run", str(path), "-n", "2", "--workers", "1", "--out", str(tmp_path / "r"),
                 "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nanjiang County 2016: 2 replications, seed ")
    assert "Women accounted for (mean per replication):" in out
    assert "\n  deliveries_per_year " in out and "By facility (mean [95% CI]):" in out
    assert re.search(r"\nWrote .*summary\.csv.* to .*/r/", out)


def test_capsim_check_in_chinese_prints_no_english_sentence(capsys, conserved_runs):
    path = SCENARIOS / "nanjiang-2016.yaml"
    assert main(["check", str(path), "-n", "2", "--workers", "1", "--lang", "zh"]) == 1
    out = capsys.readouterr()
    assert "未达标" in out.out and "个百分点" in out.out
    assert english_left(out.out + out.err, scenario_names(load_scenario(path))) == []


def test_the_load_warning_is_in_the_command_s_language(tmp_path, caplog, capsys,
                                                       conserved_runs):
    # 3,000 deliveries a year with 7-hour labours keep 2.4 midwives busy: one on duty is short.
    d = base_dict()
    d["horizon"] = {"start": "2021-01-01", "days": 2, "warmup_days": 0}
    d["pathway"] = {"labour": {"dist": "fixed", "mean": 7.0}}
    for f in d["facilities"]:
        f["midwives"] = 1
    file = tmp_path / "short.yaml"
    file.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="capsim"):
        assert main(["run", str(file), "-n", "2", "--workers", "1", "--out",
                     str(tmp_path / "r"), "--lang", "zh"]) == 0
    warned = [r.getMessage() for r in caplog.records]
    assert warned and all("排队将无限增长" in m for m in warned)
    assert not [m for m in warned if "offered load" in m]
    capsys.readouterr()


def test_a_scenario_error_in_chinese_names_file_field_and_reason(tmp_path, capsys):
    file = tmp_path / "bad.yaml"
    d = base_dict()
    d["facilities"][0]["beds"] = "x"
    d["demand"]["nonsense"] = 1
    del d["demand"]["booking"]
    file.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    fid = d["facilities"][0]["id"]
    assert main(["validate", str(file), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：{file}：")
    assert f"{file}：机构 {fid} › beds：应为整数（实际为 'x'）" in err
    assert f"{file}：demand › booking：缺少必填字段" in err
    assert f"{file}：demand › nonsense：未知字段 'nonsense'" in err
    assert main(["validate", str(tmp_path / "none.yaml"), "--lang", "zh"]) == 2
    assert capsys.readouterr().err == f"错误：{tmp_path / 'none.yaml'}：文件不存在\n"
    assert main(["validate", str(file), "--lang", "en"]) == 2
    assert f"{file}: facilities[{fid}].beds: Input should be a valid integer" in \
        capsys.readouterr().err


def test_reasons_and_notes_capsim_does_not_know_stay_as_they_are():
    assert error_reason_zh("risk_mix shares must sum to 1") == "risk_mix shares must sum to 1"
    assert error_reason_zh("Input should be greater than or equal to 0 (got -1)") == \
        "应大于或等于 0（实际为 -1）"
    assert error_reason_zh("Input should be 'county' or 'mch' (got 'x')") == \
        "应为 'county' 或 'mch'（实际为 'x'）"
    assert check_note_zh("no beds here; compared rounded to 0 decimals") == \
        "本机构无床位；四舍五入到0位小数后比较"
    assert check_note_zh("something new") == "something new"


def test_the_readme_lists_every_command_with_every_option():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `capsim ")]
    parser = build_parser(lang="en")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for name, p in sub.choices.items():
        row = next((r for r in rows if r.startswith(f"| `capsim {name} ")
                    or r.startswith(f"| `capsim {name}`")), None)
        if row is None:
            missing.append(name)
            continue
        usage = row.split("` |")[0]
        missing += [f"{name} {a.option_strings[0]}" for a in p._actions
                    if a.option_strings and a.dest != "help"
                    and not any(o in usage for o in a.option_strings if o.startswith("--"))]
    assert missing == []
