"""Hostile and absurd scenario files are refused before anything is simulated: exit 2, one
line ``error: FILE: FIELD: reason``, no traceback, never a hang — and a fuzz of the loader
finds no other exception than capsim's own."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from conftest import base_dict
from hostile import hostile_files, write_files
from hypothesis import HealthCheck, given, settings

from capsim import limits
from capsim.cli import main
from capsim.errors import CapsimError, ScenarioError, shown
from capsim.scenario import load_scenario
from capsim.sweep.plan import load_sweep

BASE = yaml.safe_dump(base_dict(), allow_unicode=True, sort_keys=False)


def _nested(depth: int, flow: bool) -> str:
    if flow:
        return "deep: " + "[" * depth + "]" * depth + "\n"
    return "deep:" + "".join("\n" + "  " * (i + 1) + "a:" for i in range(depth)) + " 1\n"


_BOMB = "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i else '"lol"'] * 10) + "]\n"
                for i in range(9))

#: One row per attack: (name, text of the file or (old, new) replaced in BASE, what the one
#: line of the error must contain).
CASES: list[tuple[str, str | tuple[str, str], str]] = [
    # Non-finite numbers, wherever a float is meant.
    ("nan-share", ("green: 0.5", "green: .nan"), "demand.risk_mix.green: Input should be a "
     "finite number"),
    ("inf-booking", ("county: 0.8", "county: .inf"), "demand.booking.county: Input should be "
     "a finite number"),
    ("nan-deliveries", ("deliveries: 2000", "deliveries: .NaN"), "demand.deliveries"),
    ("inf-growth", ("deliveries: 2000", "deliveries: 2000\n  annual_growth: -.inf"),
     "demand.annual_growth"),
    ("nan-month", ("deliveries: 2000", "deliveries: 2000\n  month_profile: [1, 1, 1, 1, 1, "
                   ".nan, 1, 1, 1, 1, 1, 1]"), "demand.month_profile[5]: Input should be a finite"),
    ("inf-labour", ("run:", "pathway:\n  labour: {dist: lognormal, mean: .inf, sd: 1}\nrun:"),
     "pathway.labour.mean: Input should be a finite number"),
    ("nan-transfer", ("run:", "referral:\n  transfers: [{between: [county, town], minutes: "
                      ".nan}]\nrun:"), "referral.transfers[0].minutes"),
    ("nan-multiplier", ("deliveries: 2000", "deliveries: 2000\n  events: [{date: 2020-06-01, "
                        "multiplier: .nan}]"), "demand.events[0].multiplier"),
    # Sizes a planner never needs.
    ("huge-deliveries", ("deliveries: 2000", "deliveries: 1000000000"),
     "demand.deliveries: Input should be less than or equal to 5000000"),
    ("overflow-deliveries", ("deliveries: 2000", "deliveries: 1e308"), "demand.deliveries"),
    ("huge-beds", ("beds: 30", "beds: 18446744073709551616"),
     "facilities[county].beds: Input should be less than or equal to 10000"),
    ("huge-policy", ("run:", "policy: [{date: 2020-03-01, facility: county, beds: "
                     "18446744073709551616}]\nrun:"), "policy[0].beds"),
    ("huge-replications", ("replications: 4", "replications: 1000000"),
     "run.replications: Input should be less than or equal to 10000"),
    ("huge-days", ("days: 365", "days: 1000000000"), "horizon.days"),
    ("huge-warmup", ("warmup_days: 30", "warmup_days: 1000000"), "horizon.warmup_days"),
    ("huge-growth-by-events", ("deliveries: 2000", "deliveries: 2000000\n  events: [{date: "
                               "2020-06-01, multiplier: 50}]"), "more than the 5,000,000"),
    ("too-much-work", None, "women would be simulated"),
    # Dates.
    ("feb-30", ("start: '2020-01-01'", "start: 2016-02-30"), "horizon.start"),
    ("month-13", ("start: '2020-01-01'", "start: 2016-13-01"), "horizon.start"),
    ("before-year-1", ("start: '2020-01-01'", "start: 0001-01-10"),
     "horizon.start: must be in the years 1900 to 2200"),
    ("timestamp-tag", ("start: '2020-01-01'", "start: !!timestamp x"), "horizon.start"),
    ("bad-int-tag", ("beds: 30", "beds: !!int x"), "cannot read 'x' as int"),
    # Booleans and texts are not numbers.
    ("bool-beds", ("beds: 30", "beds: true"), "facilities[county].beds: Input should be a "
     "valid integer (got True)"),
    ("bool-share", ("green: 0.1", "green: yes"), "demand.planned_caesarean_rate.green"),
    ("text-beds", ("beds: 30", "beds: '30'"), "facilities[county].beds"),
    ("float-beds", ("beds: 30", "beds: 30.5"), "facilities[county].beds"),
    # Structure.
    ("duplicate-key", ("beds: 30", "beds: 80\n  beds: 8"), "the key 'beds' is repeated "
     "(first on line 13)"),
    ("unhashable-key", ("run:", "? [1, 2]\n: 3\nrun:"), "unhashable key"),
    ("nested-500", BASE + _nested(500, flow=False), "nested more than 100 levels deep"),
    ("nested-flow-50000", BASE + _nested(50_000, flow=True), "nested more than 100 levels"),
    ("alias-bomb", _BOMB + BASE.replace("name: test region", "name: *a8"),
     "values once its aliases are expanded"),
    ("alias-self", "x: &a [*a]\n" + BASE, "a value contains itself"),
    ("merge-chain", "".join(f"m{i}: &m{i} {{<<: *m{i - 1}, k{i}: 1}}\n" if i else
                            "m0: &m0 {k: 1}\n" for i in range(3000)) + BASE,
     "more than 100 merge keys"),
    ("long-id", ("id: county", "id: " + "c" * 100_000), "at most 64 characters"),
    ("ansi-id", ("id: town", 'id: "\\e[31mtown\\e[0m"'), "\\x1b[31mtown"),
    ("newline-name", ("name: test region", 'name: "a\\nb"\nx: "\\e[2J"'),
     "unknown field 'x'"),
    ("list-as-name", ("name: test region", "name: [1, 2]"), "name: Input should be a valid "
     "string"),
    # Encodings and bytes.
    ("binary", "\x00\x01\x02\x03garbage", "not a text file: it holds NUL bytes"),
    ("not-text", b"name: \x80\x80\xff\n", "neither UTF-8 nor GB18030"),
    ("utf16-no-bom", BASE.encode("utf-16-le"), "not a text file"),
    ("control-char", "name: a\x07b\n", "not valid YAML"),
    ("top-level-list", "- 1\n- 2\n", "the file must hold a mapping"),
]


def _text(case: str | bytes | tuple[str, str] | None, name: str) -> bytes:
    if name == "too-much-work":
        return (BASE.replace("deliveries: 2000", "deliveries: 4000000")
                .replace("days: 365", "days: 10000").replace("replications: 4",
                                                             "replications: 9000")).encode()
    if isinstance(case, tuple):
        old, new = case
        assert old in BASE, old
        return BASE.replace(old, new, 1).encode("utf-8")
    return case if isinstance(case, bytes) else case.encode("utf-8")


def validate_cli(path: Path, capsys) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``capsim validate PATH`` run in this process."""
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, path: Path, fragment: str) -> None:
    """Exit 2 and one line ``error: PATH: ...`` holding ``fragment``, no traceback."""
    assert code == 2, err
    lines = [line for line in err.splitlines() if not line.startswith("note:")]
    assert len(lines) == 1, err[:2000]
    assert lines[0].startswith(f"error: {path.parent}/"), lines[0][:300]
    assert fragment in lines[0], lines[0][:2000]
    assert "Traceback" not in err
    assert "\x1b" not in err
    assert len(lines[0]) < 1000


@pytest.mark.parametrize("name,case,fragment", CASES, ids=[c[0] for c in CASES])
def test_hostile_file_refused_in_one_line(tmp_path, capsys, name, case, fragment):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(_text(case, name))
    code, _, err = validate_cli(path, capsys)
    assert_one_line_error(code, err, path, fragment)


def test_the_base_of_the_table_is_valid(tmp_path, capsys):
    path = tmp_path / "base.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert validate_cli(path, capsys)[0] == 0


def test_file_too_large_refused_before_reading(tmp_path, capsys):
    path = tmp_path / "big.yaml"
    path.write_bytes(BASE.encode() + b"#" * limits.MAX_FILE_BYTES)
    code, _, err = validate_cli(path, capsys)
    assert_one_line_error(code, err, path, "larger than 10 MiB")


def test_toml_nan_and_deep_nesting(tmp_path, capsys):
    path = tmp_path / "nan.toml"
    path.write_text('name = "x"\n[demand]\ndeliveries = nan\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="demand.deliveries: Input should be a finite"):
        load_scenario(path)
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, _, err = validate_cli(deep, capsys)
    assert_one_line_error(code, err, deep, "nested more than 100 levels deep")


@pytest.mark.parametrize("codec,note", [
    ("utf-8-sig", None), ("utf-16", "UTF-16"), ("gbk", "GB18030"), ("gb18030", "GB18030")])
def test_encodings_read_and_named(tmp_path, capsys, codec, note):
    path = tmp_path / "enc.yaml"
    path.write_bytes(BASE.encode(codec))
    code, out, err = validate_cli(path, capsys)
    assert code == 0, err
    assert "valid" in out
    if note:
        assert f"read it as {note}" in err
    else:
        assert err == ""
    # The facility names survive the round trip.
    assert load_scenario(path).facilities[1].name == "乡镇卫生院"


def test_extends_of_a_gbk_base(tmp_path):
    (tmp_path / "base.yaml").write_bytes(BASE.encode("gbk"))
    (tmp_path / "plan.yaml").write_text("extends: base.yaml\nname: plan\n", encoding="utf-8")
    assert load_scenario(tmp_path / "plan.yaml").facilities[0].name == "县医院"


@pytest.mark.parametrize("attack,fragment", [
    ("binary", "base.bin: not a text file"),
    ("chain", f"a chain of more than {limits.MAX_EXTENDS} files"),
    ("symlink-loop", "is not found, or not a readable file"),
    ("repeated-id", "facilities['county']: the id is given twice in this file"),
    ("repeated-id-in-base", "the id is given twice in the base file"),
    ("unhashable-id", "facilities[[1, 2]].id: an id is a text, not list"),
    ("folder", "is not found, or not a readable file"),
])
def test_extends_attacks(tmp_path, capsys, attack, fragment):
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    child = "extends: base.yaml\n"
    if attack == "binary":
        (tmp_path / "base.bin").write_bytes(bytes(range(256)))
        child = "extends: base.bin\n"
    elif attack == "chain":
        for i in range(1500):
            (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n", encoding="utf-8")
        (tmp_path / "c1500.yaml").write_text(BASE, encoding="utf-8")
        child = "extends: c0.yaml\n"
    elif attack == "symlink-loop":
        (tmp_path / "a.yaml").symlink_to("b.yaml")
        (tmp_path / "b.yaml").symlink_to("a.yaml")
        child = "extends: a.yaml\n"
    elif attack == "repeated-id":
        child += "facilities:\n- {id: county, beds: 80}\n- {id: county, beds: 8}\n"
    elif attack == "repeated-id-in-base":
        (tmp_path / "base.yaml").write_text(BASE.replace("id: town", "id: county"), "utf-8")
        child += "facilities:\n- {id: county, beds: 80}\n"
    elif attack == "unhashable-id":
        child += "facilities:\n- {id: [1, 2], beds: 80}\n"
    elif attack == "folder":
        (tmp_path / "sub").mkdir()
        child = "extends: sub\n"
    path = tmp_path / "plan.yaml"
    path.write_text(child, encoding="utf-8")
    code, _, err = validate_cli(path, capsys)
    assert_one_line_error(code, err, path, fragment)


SWEEP = {"name": "s", "scenario": "base.yaml", "method": "sobol", "replications": 1,
         "parameters": [{"path": "facilities[county].beds", "range": [20, 40]},
                        {"path": "demand.deliveries", "range": [1500, 2500]}],
         "outputs": [{"metric": "occupancy_mean"}]}


@pytest.mark.parametrize("change,fragment", [
    ({"samples": 2**30}, "samples: Input should be less than or equal to 65536"),
    ({"method": "grid", "levels": 100_000}, "levels: Input should be less than or equal"),
    ({"method": "grid", "levels": 1000, "parameters": [
        {"path": f"facilities[county].{k}", "range": [1, 40]}
        for k in ("beds", "midwives", "obstetricians")]}, "up to 1,000,000,000 points"),
    ({"parameters": [{"path": "demand.deliveries", "range": [1, math.nan]},
                     {"path": "facilities[county].beds", "range": [1, 2]}]},
     "parameters[0].range[1]: Input should be a finite number"),
    ({"replications": True}, "replications: Input should be a valid integer"),
    ({"samples": 8192, "replications": 200}, "simulations (points x replications)"),
    # 500,000 a year x 395 days / 365 x 4,096 x (2 + 2) points x 50 replications.
    ({"samples": 4096, "replications": 50, "scenario": "big.yaml"},
     "the sweep would simulate about 4.43e+11 women"),
])
def test_sweep_spec_bounds(tmp_path, change, fragment):
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "big.yaml").write_text(BASE.replace("deliveries: 2000", "deliveries: 500000"),
                                       encoding="utf-8")
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({**SWEEP, **change}), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_sweep(path)
    assert fragment in str(exc.value)


def test_messages_clip_and_escape_what_they_echo():
    assert shown("x" * 10_000) == "'" + "x" * 78 + "…"
    assert shown("\x1b[2J\n") == "'\\x1b[2J\\n'"
    huge: list = ["lol"]
    for _ in range(30):
        huge = [huge, huge]
    assert shown(huge) == "a list of 2 items"
    err = ScenarioError("f.yaml", [("a\nb", "x" * 5000)])
    assert "\n" not in str(err) and len(str(err)) < 700


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(hostile_files())
def test_fuzzed_shipped_scenarios_fail_only_with_capsim_errors(tmp_path_factory, case):
    files, target = case
    folder = tmp_path_factory.mktemp("fuzz")
    write_files(folder, files)
    try:
        load_scenario(folder / target)
    except CapsimError as exc:
        assert "\x1b" not in str(exc)
        assert all(len(line) < 2000 for line in str(exc).splitlines())


def test_report_reads_the_comments_of_a_gbk_scenario(tmp_path):
    from capsim.report.comments import read_file_comments

    path = tmp_path / "gbk.yaml"
    path.write_bytes(BASE.replace("  beds: 30", "  # 床位：2016 年统计年鉴\n  beds: 30")
                     .encode("gbk"))
    comments = read_file_comments(path)
    assert comments.for_path("facilities[county].beds")[0] == ["床位：2016 年统计年鉴"]
