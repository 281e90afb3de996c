"""The registry of metrics and the catalogue of strings: every metric a run produces is defined
once with both names, every consumer names registry metrics, the strings come in both languages
with the same fields, and ``import capsim`` loads none of the heavy libraries."""

from __future__ import annotations

import string
import subprocess
import sys

import pytest
from conftest import ROOT, base_dict, run_checked

from capsim import metrics
from capsim.i18n import STRINGS
from capsim.metrics import METRICS


@pytest.fixture(scope="module")
def run():
    """Two replications of the two-facility region over 60 days, with newborn care and a
    paediatric line, so that every metric is produced."""
    return run_checked(base_dict(
        horizon={"days": 60, "warmup_days": 10},
        newborn={"cots": {"county": {"special": 4, "intensive": 1}}},
        paediatric={"groups": [{"id": "all", "admissions": 500,
                                "severity": {"mild": 0.7, "moderate": 0.3},
                                "stay": {"dist": "exponential", "mean": 4}}],
                    "beds": {"county": 6, "town": 2},
                    "presentation": {"county": 0.5, "town": 0.5}}),
        replications=2, seed=11)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_metric_of_a_run_is_in_the_registry_with_both_names(run):
    produced = set(run.metrics["metric"])
    assert produced == set(METRICS)               # nothing produced unnamed, nothing dead
    for mid in produced:
        m = METRICS[mid]
        assert m.en and m.heading_en and m.unit
        assert has_chinese(m.zh) and has_chinese(m.heading_zh), mid
        assert has_chinese(metrics.axis_label(mid, "zh")), mid
        assert metrics.unit_name(m.unit, "zh") != m.unit or m.unit == "%", m.unit


def test_summary_units_and_cut_intervals_follow_the_registry(run):
    s = run.summary(year=None)
    assert (s["unit"] == s["metric"].map(metrics.unit)).all()
    shares = s[s["metric"].map(lambda m: METRICS[m].kind == "share")]
    assert not shares.empty
    assert (shares["ci_low"].dropna() >= 0).all() and (shares["ci_high"].dropna() <= 1).all()


def test_planned_readings_are_the_registry_s_planned_metrics():
    from capsim import load_scenario
    from capsim.targets import planned_readings

    planned = planned_readings(load_scenario(ROOT / "scenarios" / "nanjiang-2016.yaml"))
    assert tuple(dict.fromkeys(planned["metric"])) == metrics.PLANNED_METRICS
    region = planned[planned["scope"] == "region"].set_index("metric")["value"]
    assert region["beds_per_1000_deliveries"] == 33.75           # 189 / 5,600 x 1,000


def consumer_ids() -> dict[str, set[str]]:
    """Metric ids named by each consumer of the registry."""
    from capsim.cli import check as cli_check
    from capsim.cli import compare as cli_compare
    from capsim.sizing.levels import CATALOGUE_METRICS, CHECKS
    from capsim.targets import load_catalogue

    return {
        "summary": set(metrics.SUMMARY_METRICS),
        "facility tables": set(metrics.FACILITY_METRICS),
        "planned": set(metrics.PLANNED_METRICS),
        "ratios": set(metrics.RATIO_METRICS),
        "capsim check": set(cli_check.SHOWN_RATIOS),
        "capsim compare": set(cli_compare.KEY_METRICS) | set(cli_compare.PLOT_METRICS),
        "sizing levels": {c.metric for c in CHECKS}
        | {metric for metric, _, _ in CATALOGUE_METRICS.values()},
        "standards catalogue": {s.metric for s in load_catalogue().standards},
    }


@pytest.mark.parametrize("consumer", sorted(consumer_ids()))
def test_every_consumer_names_registry_metrics(consumer):
    ids = consumer_ids()[consumer]
    assert ids and ids <= set(METRICS), ids - set(METRICS)


def test_unknown_metric_and_language_are_refused():
    with pytest.raises(KeyError, match="unknown metric 'beds_per_100'"):
        metrics.name("beds_per_100")
    with pytest.raises(ValueError, match="lang"):
        metrics.name("beds", "fr")


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_in_both_languages_with_the_same_fields(key):
    entry = STRINGS[key]
    assert set(entry) == {"en", "zh"}
    assert entry["en"] and entry["zh"]
    assert fields(entry["en"]) == fields(entry["zh"])


HEAVY = ("numba", "scipy", "pandas", "matplotlib", "numpy", "pydantic")


def test_import_capsim_loads_no_heavy_library_and_names_resolve():
    code = (f"import sys, capsim; heavy = [m for m in {HEAVY!r} if m in sys.modules]; "
            "print(heavy); print(sorted(set(capsim.__all__) - set(dir(capsim))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.splitlines()
    assert out == ["[]", "[]"]
    import capsim

    for name in capsim.__all__:
        assert getattr(capsim, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        capsim.nonexistent  # noqa: B018


def test_version_loads_no_command_module():
    code = ("import sys\nfrom capsim.cli import main\ntry:\n    main(['--version'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('capsim.cli.')"
            f" or m.split('.')[0] in {HEAVY!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.splitlines()
    assert out[-1] == "[]"
