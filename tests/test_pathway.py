"""The steps of the pathway (``capsim.model.pathway``): addressed by name, packed keys that
round-trip, a planned-destination cache apart for every risk colour, and the same results
compiled and uncompiled, bit for bit.

The uncompiled run is also how the loop's coverage is measured (see the README's development
section): under ``NUMBA_DISABLE_JIT=1`` this file runs the pathway as plain Python in-process
and the compiled run in a child process.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import fields

import numpy as np
import pytest
from conftest import COLOURS, ROOT, assert_conserved, base_dict
from hypothesis import given
from hypothesis import strategies as st
from numba import njit
from numba.core.errors import TypingError

from capsim import Results, validate_scenario
from capsim.demand import build_cohort
from capsim.model import RunRecord, compile_network, run_engine
from capsim.model import pathway as pw
from capsim.model.heaps import UNCOMPILED, plain_record
from capsim.results import reduce_replication

SEED = 5
REPLICATIONS = 2


def changing_region() -> dict:
    """Three small facilities under heavy demand, with women in bed at the start, capacity cut
    below what is in use and restored, deliveries stopped and started again, a referral-rule
    change and days when no facility may take a risk colour: every step of the pathway and
    every kind of region event."""
    d = base_dict(
        horizon={"start": "2020-01-01", "days": 90, "warmup_days": 20},
        demand={"deliveries": 4000, "booking": {"county": 0.5, "town": 0.3, "mch": 0.2},
                "planned_caesarean_rate": {c: 0.15 for c in COLOURS},
                "emergency_caesarean_rate": {c: 0.3 for c in COLOURS}},
        pathway={"intrapartum_complication": {c: 0.05 for c in COLOURS},
                 "roster": {"shifts_per_day": 1, "availability": 1.0}},
        policy=[
            # One midwife and no theatre at the county hospital for four days: the labour
            # places in use beyond one are owed, then those waiting are served when the staff
            # come back. (No midwife at all would be refused: a closure must stop deliveries.)
            {"date": "2020-02-10", "facility": "county", "beds": -6, "midwives": -2,
             "theatres": -2},
            {"date": "2020-02-14", "facility": "county", "beds": 6, "midwives": 2,
             "theatres": 2},
            {"date": "2020-02-20", "facility": "town", "delivers": False},
            {"date": "2020-03-10", "facility": "town", "delivers": True},
            {"date": "2020-03-15", "facility": "county", "delivers": False},
            {"date": "2020-03-18", "facility": "county", "delivers": True},
        ],
    )
    d["referral"] = {
        # Only the county hospital may take a purple woman: while it does not deliver she
        # plans to leave the region.
        "eligibility": {"green": {"min_level": "township"}, "yellow": {"min_level": "county"},
                        "orange": {"min_level": "county"}, "red": {"min_level": "county"},
                        "purple": {"min_level": "county",
                                   "capabilities": ["critical_maternal_care"]}},
        "changes": [{"date": "2020-02-25", "eligibility": {"yellow": {"min_level": "township"}}}],
    }
    d["facilities"][0].update(beds=12, midwives=3, theatres=2, obstetricians=4, initial_census=3)
    d["facilities"][1].update(beds=3, midwives=2)
    # The MCH hospital has delivery beds apart from its ward beds (access block), the
    # township its own roster by shift, and it splits its referrals by weight.
    d["facilities"].append({"id": "mch", "name": "妇幼保健院", "level": "mch", "beds": 6,
                            "delivery_beds": 2, "midwives": 3, "obstetricians": 2,
                            "theatres": 1, "capabilities": ["caesarean"]})
    d["facilities"][1]["roster"] = {"shifts": [{"start": 8, "midwives": 2},
                                               {"start": 20, "midwives": 1}]}
    d["referral"]["split"] = {"town": {"county": 2, "mch": 1}}
    return d


def run_case() -> tuple[list[RunRecord], Results]:
    """The replications of `changing_region` and their results."""
    scenario = validate_scenario(changing_region())
    net = compile_network(scenario)
    records = [run_engine(net, build_cohort(scenario, rep, SEED)) for rep in range(REPLICATIONS)]
    results = Results(scenario, net, SEED, [reduce_replication(net, rec, rep, SEED)
                                            for rep, rec in enumerate(records)])
    return records, results


def as_arrays(records: list[RunRecord]) -> dict[str, np.ndarray]:
    """Every field of every record as an array keyed ``"rep.field"`` (the flows as a sorted
    array of (year, from, to, reason, count) rows)."""
    out = {}
    for rep, rec in enumerate(records):
        for f in fields(RunRecord):
            value = getattr(rec, f.name)
            if f.name == "flows":
                value = np.asarray(sorted((*k, n) for k, n in value.items()), dtype=np.int64)
            out[f"{rep}.{f.name}"] = np.asarray(value)
    return out


def child_env() -> dict[str, str]:
    """This process's environment, with this checkout first on the child's import path."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))


def test_uncompiled_run_equals_compiled_bit_for_bit(tmp_path):
    records, results = run_case()
    assert_conserved(results)
    here = as_arrays(records)
    # The child runs the other way: uncompiled when this process is compiled, and back.
    env = dict(child_env(), NUMBA_DISABLE_JIT="0" if UNCOMPILED else "1")
    out = tmp_path / "other.npz"
    done = subprocess.run([sys.executable, __file__, str(out)], env=env, capture_output=True,
                          text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("compiled" if UNCOMPILED else "uncompiled")
    with np.load(out) as other:
        assert sorted(other.files) == sorted(here)
        for key, value in here.items():
            assert other[key].dtype == value.dtype, key
            assert other[key].shape == value.shape, key
            assert other[key].tobytes() == value.tobytes(), key

    # The case reaches every branch that tells the modes apart.
    rec = records[0]
    reasons = {k[3] for r in records for k in r.flows}
    assert reasons == {pw.PLANNED_REFERRAL, pw.RISK_REFERRAL, pw.NO_BED, pw.EMERGENCY_TRANSFER}
    assert rec.turned_away.any() and rec.out_of_region.any()
    assert (np.nan_to_num(rec.midwife_wait_h) > 0).any()
    assert set(np.unique(rec.mode)) == {pw.NOT_DELIVERED, pw.VAGINAL, pw.PLANNED_CS,
                                         pw.EMERGENCY_CS}
    emergency = rec.mode == pw.EMERGENCY_CS
    assert (rec.ddi_min[emergency] > 0).all() and np.isnan(rec.ddi_min[~emergency]).all()


@given(kind=st.integers(0, 6), index=st.integers(0, pw.MAX_INDEX - 1))
def test_region_events_unpack_to_what_was_packed(kind, index):
    data = pw.encode_event(np.int64(kind), np.int64(index))
    assert tuple(int(x) for x in pw.decode_event(data)) == (kind, index)


def tiny_network(n_risk: int, elig: np.ndarray) -> pw.NetworkArrays:
    """Two facilities of 50 beds, each the other's referral, nothing changing; eligibility
    ``elig`` [risk, facility]. Arrays typed as `Network.kernel_inputs` types them."""
    travel = np.zeros((2, 2))
    order = np.asarray([[1], [0]], dtype=np.int32)
    travel.setflags(write=False)
    order.setflags(write=False)
    ints, flags, none = np.int64, np.bool_, np.zeros(0, dtype=np.int64)
    return pw.NetworkArrays(
        free_beds=np.asarray([50, 50], dtype=ints), free_mw=np.asarray([50, 50], dtype=ints),
        free_th=np.asarray([1, 1], dtype=ints), accepting=np.ones(2, dtype=flags),
        can_cs=np.ones(2, dtype=flags),
        has_cc=np.ones(2, dtype=flags), travel=travel, order=order, elig=elig,
        pol_t=np.zeros(0), pol_f=none, pol_beds=none, pol_mw_changed=np.zeros(0, dtype=flags),
        pol_mw=none, pol_th_changed=np.zeros(0, dtype=flags), pol_th=none,
        pol_can_cs=np.zeros(0, dtype=flags), pol_delivers=none, elig_t=np.zeros(0),
        elig_m=np.zeros((0, n_risk, 2), dtype=flags), free_del=np.zeros(2, dtype=ints),
        two_pools=np.zeros(2, dtype=flags), pol_del=none, n_shift=np.zeros(2, dtype=ints),
        shift_h=np.zeros((2, 1)), shift_mw=np.zeros((2, 1), dtype=ints),
        shift_th=np.zeros((2, 1), dtype=ints), ratio=np.zeros(1, dtype=flags),
        recovery_h=np.zeros(1), has_split=np.zeros(2, dtype=flags),
        split_cum=np.zeros((2, 2)))


def test_planned_destination_is_kept_apart_for_every_risk_colour():
    # Twelve colours: those from 6 on may not deliver at facility 0. Women booked at 1 come
    # before women of the same place in the list booked at 0, so a cache whose keys collide
    # past eight colours (booked*16 + risk*2 + planned) would hand a woman of colour 8 booked
    # at 0 the entry of a woman of colour 0 booked at 1.
    n_risk = 12
    elig = np.ones((n_risk, 2), dtype=np.bool_)
    elig[6:, 0] = False
    risk = np.repeat(np.arange(n_risk), 2).astype(np.int8)
    booked = np.tile(np.asarray([1, 0]), n_risk).astype(np.int32)
    n = risk.size
    admit = np.arange(n, dtype=np.float64)
    no = np.zeros(n, dtype=np.bool_)
    women = pw.WomenArrays(admit=admit, event_at=admit, risk=risk, booked=booked, planned=no,
                           needs_cs=no, needs_cc=no, labour_h=np.ones(n),
                           los_vaginal=np.full(n, 10.0), los_caesarean=np.full(n, 20.0),
                           theatre_h=np.ones(n), prep_h=np.full(n, 0.5),
                           referral_u=np.zeros(0))
    out = pw.simulate(women=women, network=tiny_network(n_risk, elig),
                      initial_facility=np.zeros(0, dtype=np.int32),
                      initial_release=np.zeros(0), first_counted=0, t_end=200.0)
    sent = (booked == 0) & (risk >= 6)
    assert out.plan_to.tolist() == np.where(sent, 1, booked).tolist()
    assert out.plan_why.tolist() == np.where(sent, pw.RISK_REFERRAL, pw.NO_REFERRAL).tolist()
    assert out.delivered_at.tolist() == out.plan_to.tolist()  # beds to spare: no diversion
    assert out.arrived == n


def test_every_function_of_the_engine_says_what_it_does():
    undocumented = [
        f"{path.name}:{node.name}"
        for path in sorted((ROOT / "capsim" / "model").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not ast.get_docstring(node)]
    assert undocumented == []


def test_labour_places_owed_after_a_cut_are_repaid_before_anyone_waiting_is_served():
    # Two labour places, both taken; at hour 1 a cut takes both away, so the two in use are
    # owed. A third woman starts labour at hour 2 and waits. The places freed at hours 10 and
    # 12 repay the debt; she is served only when a step adds a place back, at hour 20.
    admit = np.asarray([0.0, 0.5, 2.0])
    n = admit.size
    no = np.zeros(n, dtype=np.bool_)
    women = pw.WomenArrays(admit=admit, event_at=admit, risk=np.zeros(n, dtype=np.int8),
                           booked=np.zeros(n, dtype=np.int32), planned=no, needs_cs=no,
                           needs_cc=no, labour_h=np.asarray([10.0, 12.0, 5.0]),
                           los_vaginal=np.full(n, 48.0), los_caesarean=np.full(n, 72.0),
                           theatre_h=np.ones(n), prep_h=np.full(n, 0.5),
                           referral_u=np.zeros(0))
    steps = 2
    network = tiny_network(1, np.ones((1, 2), dtype=np.bool_))._replace(
        free_mw=np.asarray([2, 2], dtype=np.int64),
        pol_t=np.asarray([1.0, 20.0]), pol_f=np.zeros(steps, dtype=np.int64),
        pol_beds=np.zeros(steps, dtype=np.int64), pol_mw_changed=np.ones(steps, dtype=np.bool_),
        pol_mw=np.asarray([-2, 1], dtype=np.int64),
        pol_th_changed=np.zeros(steps, dtype=np.bool_), pol_th=np.zeros(steps, dtype=np.int64),
        pol_can_cs=np.ones(steps, dtype=np.bool_),
        pol_delivers=np.full(steps, -1, dtype=np.int64))
    out = pw.simulate(women=women, network=network,
                      initial_facility=np.zeros(0, dtype=np.int32),
                      initial_release=np.zeros(0), first_counted=0, t_end=200.0)
    assert out.wait_h.tolist() == [0.0, 0.0, 18.0]
    assert out.delivered_h.tolist() == [10.0, 12.5, 25.0]


def test_state_fields_are_named_once():
    assert len(set(pw.STATE_FIELDS)) == len(pw.STATE_FIELDS)
    assert set(pw.WomenArrays._fields) <= set(pw.STATE_FIELDS)
    assert set(pw.NetworkArrays._fields) <= set(pw.STATE_FIELDS)


def test_the_uncompiled_state_refuses_a_missing_or_misspelt_field():
    twin = plain_record("State", pw.STATE_FIELDS, "the uncompiled state")
    values = dict.fromkeys(pw.STATE_FIELDS, 0)
    assert twin(**values).decision_h == 0
    del values["decision_h"]
    with pytest.raises(TypeError, match="missing fields \\['decision_h'\\]"):
        twin(**values)
    with pytest.raises(TypeError, match="unknown fields \\['decison_h'\\]"):
        twin(**values, decison_h=0)
    with pytest.raises(TypeError, match="referral_u"):
        pw.WomenArrays(**dict.fromkeys(pw.WomenArrays._fields[:-1], 0))


@pytest.mark.skipif(UNCOMPILED, reason="the compiled state is checked when compiled")
def test_the_compiled_state_refuses_a_missing_field():
    source = ("def build(x):\n    return State("
              + ", ".join(f"{name}=x" for name in pw.STATE_FIELDS if name != "decision_h")
              + ")\n")
    space = {"State": pw.State}
    exec(source, space)
    with pytest.raises(TypingError, match="decision_h"):
        njit(space["build"])(np.zeros(1))


@pytest.mark.skipif(UNCOMPILED, reason="nothing is compiled")
def test_the_warm_up_compiles_what_a_real_run_uses_without_the_province_generator():
    code = (
        "import sys\n"
        "from capsim import load_scenario\n"
        "from capsim.demand import build_cohort\n"
        "from capsim.model import compile_network, ensure_compiled, run_engine, pathway\n"
        "ensure_compiled()\n"
        "warm = list(pathway.simulate.signatures)\n"
        "s = load_scenario('scenarios/jizhou-alliance.yaml')\n"
        "run_engine(compile_network(s), build_cohort(s, 0, 1))\n"
        "print(len(warm), list(pathway.simulate.signatures) == warm,\n"
        "      'capsim.province' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=child_env(),
                          capture_output=True,
                          text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "True", "False"]


if __name__ == "__main__":
    # The child of test_uncompiled_run_equals_compiled_bit_for_bit: write the records.
    np.savez(sys.argv[1], **as_arrays(run_case()[0]))
    print("uncompiled" if UNCOMPILED else "compiled")
