"""Sweep parameters and outputs in Chinese: a Chinese label given in the sweep file, else one
made from the parameter's path, in the printed indices and on the chart."""

from __future__ import annotations

import yaml
from conftest import base_dict

from capsim.cli import main
from capsim.i18n import path_zh
from capsim.sweep.spec import Parameter


def test_a_parameter_is_named_in_chinese_from_its_label_or_its_path():
    names = {"county": "县医院"}
    beds = Parameter(path="facilities[county].beds", range=(10, 20))
    assert beds.display("en") == "facilities[county].beds"
    assert beds.display("zh", names) == "县医院 床位"
    stay = Parameter(path="pathway.postnatal_los.caesarean.mean", range=(4, 7),
                     label="caesarean stay", label_zh="剖宫产产后住院日")
    assert stay.display("en") == "caesarean stay" and stay.display("zh") == "剖宫产产后住院日"
    assert path_zh("facilities[*].midwives") == "全部机构 助产士"
    assert path_zh("pathway.roster.availability") == "排班 可出勤比例"


def test_sweep_prints_and_draws_chinese_labels(tmp_path, capsys):
    scenario = tmp_path / "short.yaml"
    scenario.write_text(yaml.safe_dump(base_dict(horizon={
        "start": "2020-01-01", "days": 120, "warmup_days": 10}), allow_unicode=True),
        encoding="utf-8")
    spec = tmp_path / "sweep.yaml"
    spec.write_text(yaml.safe_dump({
        "name": "s", "scenario": scenario.name, "method": "oat", "levels": 2,
        "replications": 1, "seed": 1,
        "parameters": [{"path": "demand.deliveries", "range": [900, 1000]},
                       {"path": "facilities[town].beds", "range": [4, 6],
                        "label_zh": "乡镇床位"}],
        "outputs": [{"metric": "occupancy_mean", "facility": "region",
                     "name_zh": "全区域床位使用率"}],
    }, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--workers", "1", "--out", str(out), "--lang", "zh"]) == 0
    printed = capsys.readouterr().out
    assert "分娩量" in printed and "乡镇床位" in printed and "demand.deliveries" not in printed
    assert "已写入" in printed and (out / "tornado.png").stat().st_size > 10_000
