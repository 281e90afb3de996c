"""Running anywhere: in this process, on local processes or on a dask cluster, the same
scenario and seed give identical tables; a worker process killed mid-run changes nothing; a
failing replication is reported with its scenario, index and seed."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import time
from functools import partial

import distributed
import numpy as np
import pandas as pd
import psutil
import pytest
import yaml
from conftest import ROOT, assert_conserved, base_dict, run_checked

from capsim import ReplicationError, Results, parallel, simulate, validate_scenario
from capsim.cli import build_parser
from capsim.cli import main as cli_main
from capsim.model import compile_network
from capsim.parallel import (
    MAX_ITEMS_PER_TASK,
    MIN_TASK_SECONDS,
    TASK_SECONDS,
    WorkerLostError,
    _apply_until_error,
    _chunk_size,
    _task_items,
    map_unordered,
)
from capsim.results import FLOW_COLUMNS
from capsim.run import ReplicationTask, pack_result, run_replication, unpack_result

SEED = 21


def short() -> dict:
    """The two-facility region over four months: a replication takes a few milliseconds."""
    return base_dict(horizon={"start": "2020-01-01", "days": 120, "warmup_days": 10})


@pytest.fixture(scope="module")
def dask_client():
    """A dask cluster of two single-threaded worker processes, shut down after the module."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        yield client


def assert_identical(a: Results, b: Results) -> None:
    """Every table of two runs is equal to the last bit."""
    pd.testing.assert_frame_equal(a.metrics, b.metrics, check_exact=True)
    pd.testing.assert_frame_equal(a.flows, b.flows, check_exact=True)
    pd.testing.assert_frame_equal(a.accounting, b.accounting, check_exact=True)
    np.testing.assert_array_equal(a.daily_census, b.daily_census)


def gather(scenario, seed: int, results) -> Results:
    """Results of replications that arrived in any order, checked for conservation."""
    res = Results(scenario=scenario, network=compile_network(scenario), seed=seed,
                  replications=sorted(results, key=lambda r: r.replication))
    assert_conserved(res)
    return res


def call(task):
    return task()


def pid_of(_item) -> int:
    return os.getpid()


def die_once(task: ReplicationTask, marker: str, victim: int, parent: int):
    """Run a replication, but the first time replication ``victim`` starts, kill the worker
    process running it (never the test process itself)."""
    if task.replication == victim and os.getpid() != parent:
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.close(fd)
            os._exit(3)
    return task()


def exit_on(x: int, bad: int, parent: int) -> int:
    """Square ``x``; for ``bad``, kill the worker process instead, every time."""
    if x == bad and os.getpid() != parent:
        os._exit(3)
    return x * x


def test_serial_local_and_dask_runs_give_identical_tables(dask_client):
    serial = run_checked(short(), replications=5, seed=SEED, workers=1)
    scenario = validate_scenario(short())
    runs = {
        "2 local processes": dict(workers=2),
        "3 local processes": dict(workers=3),
        "dask client": dict(client=dask_client),
        "dask scheduler address": dict(client=dask_client.scheduler.address),
    }
    for name, where in runs.items():
        other = simulate(scenario, replications=5, seed=SEED, **where)
        assert_conserved(other)
        assert [r.replication for r in other.replications] == list(range(5)), name
        assert_identical(serial, other)


@pytest.mark.parametrize("where", ["local", "dask"])
def test_tasks_run_in_other_processes(where, request):
    kwargs = dict(client=request.getfixturevalue("dask_client")) if where == "dask" \
        else dict(workers=2)
    pids = set(map_unordered(pid_of, range(6), **kwargs))
    assert os.getpid() not in pids


@pytest.mark.parametrize("where", ["local", "dask"])
def test_a_worker_killed_mid_run_does_not_change_the_results(where, request, tmp_path):
    kwargs = dict(client=request.getfixturevalue("dask_client")) if where == "dask" \
        else dict(workers=2)
    scenario = validate_scenario(short())
    serial = run_checked(short(), replications=6, seed=SEED, workers=1)
    marker = tmp_path / "killed"
    fn = partial(die_once, marker=str(marker), victim=2, parent=os.getpid())
    tasks = [ReplicationTask(scenario, r, SEED) for r in range(6)]
    got = list(map_unordered(fn, tasks, **kwargs))
    assert marker.exists(), "the worker running replication 2 was never killed"
    assert sorted(r.replication for r in got) == list(range(6))
    assert_identical(serial, gather(scenario, SEED, got))


def test_a_task_that_always_kills_its_worker_is_named_after_its_retries():
    with pytest.raises(WorkerLostError, match="^7 was lost") as info:
        list(map_unordered(partial(exit_on, bad=7, parent=os.getpid()), range(10),
                           workers=2, retries=1))
    assert (info.value.item, info.value.attempts) == (7, 2)


@pytest.mark.parametrize("where", ["serial", "local", "dask"])
def test_a_failing_replication_is_reported_with_its_seed(where, request):
    kwargs = {"serial": dict(workers=1), "local": dict(workers=2)}.get(where) or \
        dict(client=request.getfixturevalue("dask_client"))
    good = validate_scenario(short())
    # A booking share for a facility that does not exist: valid pydantic objects, but the
    # replication cannot build its women.
    bad = good.model_copy(update={"demand": good.demand.model_copy(
        update={"booking": {"nowhere": 1.0}})})
    tasks = [ReplicationTask(bad if r == 3 else good, r, 11) for r in range(5)]
    with pytest.raises(ReplicationError, match=r"'test region', replication 3, seed 11") as info:
        list(map_unordered(call, tasks, **kwargs))
    assert (info.value.scenario, info.value.replication, info.value.seed) == \
        ("test region", 3, 11)
    assert "nowhere" in info.value.cause
    # The message says how to rerun it alone; doing so fails the same way.
    with pytest.raises(ReplicationError, match="replication 3, seed 11"):
        run_replication(bad, 3, seed=11)
    fine = run_replication(good, 3, seed=11)
    assert fine.arrivals > 0
    assert fine.arrivals == fine.delivered + fine.out_of_region + fine.in_progress


def test_scheduler_option_defaults_to_the_environment(monkeypatch):
    monkeypatch.setenv("CAPSIM_SCHEDULER", "tcp://10.0.0.5:8786")
    args = build_parser().parse_args(["run", "x.yaml"])
    assert args.scheduler == "tcp://10.0.0.5:8786"
    args = build_parser().parse_args(["run", "x.yaml", "--scheduler", "tcp://other:1"])
    assert args.scheduler == "tcp://other:1"
    monkeypatch.delenv("CAPSIM_SCHEDULER")
    assert build_parser().parse_args(["run", "x.yaml"]).scheduler is None


def short_file(folder) -> str:
    """The short scenario as a YAML file in ``folder``; returns its path."""
    path = folder / "short.yaml"
    path.write_text(yaml.safe_dump(short(), allow_unicode=True), encoding="utf-8")
    return str(path)


def test_the_scheduler_option_reaches_the_runner_and_a_malformed_address_is_bad_input(
        tmp_path, capsys):
    code = cli_main(["run", short_file(tmp_path), "-n", "2",
                     "--scheduler", "no-port-here", "--out", str(tmp_path)])
    assert code == 2
    assert "scheduler no-port-here: cannot connect" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "compare", "sweep"])
def test_every_simulating_command_passes_the_scheduler_on(tmp_path, capsys, command):
    """A malformed address reaches the runner (exit 2) instead of being ignored."""
    scen = short_file(tmp_path)
    if command == "sweep":
        spec = tmp_path / "sweep.yaml"
        spec.write_text(yaml.safe_dump({
            "name": "s", "scenario": "short.yaml", "method": "oat", "levels": 2,
            "replications": 1, "seed": 1,
            "parameters": [{"path": "demand.deliveries", "range": [900, 1000]}],
            "outputs": [{"metric": "occupancy_mean", "facility": "region"}],
        }), encoding="utf-8")
        argv = ["sweep", str(spec), "--out", str(tmp_path / "out")]
    elif command == "compare":
        argv = ["compare", scen, scen, "-n", "1", "--out", str(tmp_path / "out")]
    else:
        argv = ["check", scen, "-n", "1"]
    assert cli_main([*argv, "--scheduler", "no-port-here"]) == 2
    assert "no-port-here" in capsys.readouterr().err


def test_many_short_tasks_on_dask_go_several_to_a_task_and_all_come_back(dask_client):
    assert _chunk_size(100, 2) == 12 and _chunk_size(5, 2) == 1 and _chunk_size(10_000, 2) == 16
    scenario = validate_scenario(short())
    tasks = [ReplicationTask(scenario, r, SEED) for r in range(40)]  # 5 to a task on 2 threads
    on_dask = gather(scenario, SEED, map_unordered(call, tasks, client=dask_client))
    here = gather(scenario, SEED, map_unordered(call, tasks, workers=1))
    assert [r.replication for r in on_dask.replications] == list(range(40))
    assert_identical(on_dask, here)


def test_pickled_tasks_of_one_scenario_share_the_rebuilt_scenario():
    """A worker rebuilds a run's scenario once, not once per task; a different scenario is
    rebuilt as itself."""
    import pickle

    first, other = validate_scenario(base_dict()), validate_scenario(base_dict(name="other region"))
    a, b = (pickle.loads(pickle.dumps(ReplicationTask(first, r, 7))) for r in (0, 1))
    assert a == ReplicationTask(first, 0, 7) and b.replication == 1
    assert a.scenario is b.scenario and a.scenario is not first
    c = pickle.loads(pickle.dumps(ReplicationTask(other, 0, 7)))
    assert c.scenario == other and c.scenario != first
    # The tasks of a run carry one pickle of their scenario: a task of several carries it once.
    one = len(pickle.dumps(ReplicationTask(first, 0, 7)))
    assert len(pickle.dumps([ReplicationTask(first, r, 7) for r in range(4)])) < 1.5 * one


def fail_on(x: int, bad: int) -> int:
    """Square ``x``; for ``bad``, raise ValueError."""
    if x == bad:
        raise ValueError(f"item {x} failed")
    return x * x


def test_a_local_task_of_several_items_hands_back_those_before_the_one_that_failed():
    results, error, seconds = _apply_until_error(partial(fail_on, bad=3), [1, 2, 3, 4])
    assert results == [1, 4] and str(error) == "item 3 failed" and seconds >= 0
    assert _apply_until_error(partial(fail_on, bad=3), [4, 5])[:2] == ([16, 25], None)
    # Short items go several to a task once some have finished, long ones one by one; fewer
    # towards the end, so that the workers end together, but never a task of almost nothing.
    assert _task_items(0.0, 0, 100, 2) == 1
    each = TASK_SECONDS / 5     # CPU seconds an item takes: five make a task
    assert _task_items(10 * each, 10, 100, 2) == 5 and _task_items(10 * each, 10, 12, 2) == 3
    assert _task_items(10 * each, 10, 3, 2) == 1 and _task_items(10 * each, 10, 1, 2) == 1
    assert _task_items(10.0, 2, 100, 2) == 1
    tiny = MIN_TASK_SECONDS / 50
    assert _task_items(10 * tiny, 10, 1000, 2) == 50 > MAX_ITEMS_PER_TASK
    assert _task_items(10 * tiny, 10, 8, 2) == 8        # the last items, in one task
    sizes, left = [], 100
    while left:
        sizes.append(_task_items(10 * each / 2, 10, left, 2))     # ten items to a task at most
        left -= sizes[-1]
    assert max(sizes) == 10 and sizes == sorted(sizes, reverse=True) and len(sizes) < 20


def test_many_short_local_tasks_all_come_back_and_an_error_reaches_the_caller_unchanged():
    got = sorted(map_unordered(partial(fail_on, bad=-1), range(300), workers=2))
    assert got == [x * x for x in range(300)]
    with pytest.raises(ValueError, match="^item 250 failed$"):
        for _ in map_unordered(partial(fail_on, bad=250), range(300), workers=2):
            pass


# --- the local pool kept between runs ---------------------------------------------------------

def kept_workers(workers: int = 2) -> set[int]:
    """Process ids of the kept pool of ``workers`` processes (empty when there is none)."""
    kept = parallel._kept.get(workers)
    return set(kept.pool._processes or {}) if kept is not None else set()


def test_a_second_run_reuses_the_local_workers_until_shutdown():
    parallel.shutdown()
    first = set(map_unordered(pid_of, range(8), workers=2))
    started = kept_workers()
    assert first <= started and len(started) == 2
    second = set(map_unordered(pid_of, range(8), workers=2))
    assert second <= started and kept_workers() == started      # no new process
    parallel.shutdown()
    assert kept_workers() == set()
    for pid in started:     # ended (or a zombie awaiting collection), not left running
        with contextlib.suppress(psutil.NoSuchProcess):
            assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not set(map_unordered(pid_of, range(8), workers=2)) & started


def test_a_capsim_function_replaced_after_the_workers_started_reaches_new_workers(monkeypatch):
    """A forked worker knows capsim as it was when it started: a replaced function (as a test
    or a patch does) needs new workers, which the next run starts."""
    import capsim.run

    scenario = validate_scenario(short())
    tasks = [ReplicationTask(scenario, r, SEED) for r in range(4)]
    assert len(list(map_unordered(call, tasks, workers=2))) == 4
    before = kept_workers()
    monkeypatch.setattr(capsim.run, "run_replication", lambda *args, **kwargs: "replaced")
    assert list(map_unordered(call, tasks, workers=2)) == ["replaced"] * 4
    assert not kept_workers() & before


def test_a_run_while_the_kept_workers_are_busy_gets_workers_of_its_own():
    """A run inside a run (or in another thread) cannot share the kept pool's processes."""
    outer = map_unordered(pid_of, range(8), workers=2)
    next(outer)         # the kept pool is now in use
    inner = set(map_unordered(pid_of, range(8), workers=2))
    assert not inner & kept_workers()
    assert len(list(outer)) == 7


def test_an_interrupted_run_stops_the_kept_workers_and_the_next_starts_afresh():
    list(map_unordered(pid_of, range(4), workers=2))
    before = kept_workers()
    assert before
    stream = map_unordered(partial(fail_on, bad=0), range(40), workers=2)
    with pytest.raises(ValueError, match="item 0 failed"):
        list(stream)
    assert not kept_workers() & before
    assert sorted(map_unordered(partial(fail_on, bad=-1), range(6), workers=2)) == \
        [0, 1, 4, 9, 16, 25]


def test_a_kept_worker_killed_between_runs_is_replaced_and_the_next_run_is_whole():
    list(map_unordered(pid_of, range(4), workers=2))
    before = kept_workers()
    victim = min(before)
    os.kill(victim, signal.SIGKILL)             # e.g. by the kernel, out of memory
    process = parallel._kept[2].pool._processes[victim]
    deadline = time.monotonic() + 10
    while process.is_alive() and time.monotonic() < deadline:    # the signal takes a moment
        time.sleep(0.01)
    got = sorted(map_unordered(partial(fail_on, bad=-1), range(20), workers=2))
    assert got == [x * x for x in range(20)]
    after = kept_workers()
    assert len(after) == 2 and not after & before      # new workers, kept in turn
    assert set(map_unordered(pid_of, range(8), workers=2)) <= after


LATE_FUNCTION = '''
import json, os
from capsim import parallel

def square(x):
    return x * x

def pid(_):
    return os.getpid()

first = sorted(parallel.map_unordered(square, range(8), workers=2))
kept = sorted(parallel._kept[2].pool._processes)
again = set(parallel.map_unordered(pid, range(8), workers=2))
reused = again <= set(kept)

def square(x):          # redefined after the workers started, as in a notebook
    return -x

second = sorted(parallel.map_unordered(square, range(8), workers=2))

def late(x):            # defined after the workers started
    return x + 100

third = sorted(parallel.map_unordered(late, range(8), workers=2))
print(json.dumps({"first": first, "second": second, "third": third, "reused": reused}))
'''


def test_a_function_defined_in_a_script_after_a_first_parallel_run_runs_in_parallel(tmp_path):
    script = tmp_path / "late.py"
    script.write_text(LATE_FUNCTION, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout)
    assert got["first"] == [x * x for x in range(8)]
    assert got["reused"]
    assert got["second"] == sorted(-x for x in range(8))
    assert got["third"] == list(range(100, 108))


def test_results_packed_for_the_trip_back_are_rebuilt_to_the_last_bit():
    """A result sent back from a local worker is packed as column arrays, the label columns of
    several replications once; rebuilt, every table and array equals the original, with its
    dtypes and index, and a table of several replications shares no array it could change."""
    import pickle

    scenario = validate_scenario(short())
    originals = [run_replication(scenario, r, seed=SEED) for r in range(3)]
    named = originals[1].metrics.rename_axis("row")
    odd = [dataclasses.replace(originals[0], flows=pd.DataFrame([], columns=FLOW_COLUMNS),
                               care_monthly=pd.DataFrame({"x": [1.5]}, index=[7])),
           dataclasses.replace(originals[1], metrics=named,
                               flows=originals[1].flows.set_axis(
                                   pd.Index(FLOW_COLUMNS, dtype=object), axis=1))]
    sent = [*originals, *odd]
    trip = pickle.loads(pickle.dumps([pack_result(r) for r in sent]))
    rebuilt = [unpack_result(p) for p in trip]
    assert isinstance(trip[0]["metrics"], tuple) and isinstance(trip[3]["flows"], tuple)
    # Tables that are more than their columns travel as they are.
    assert isinstance(trip[3]["care_monthly"], pd.DataFrame)
    assert isinstance(trip[4]["metrics"], pd.DataFrame)
    assert isinstance(trip[4]["flows"], pd.DataFrame) == (pd.Index(["a"]).dtype != object)
    for a, b in zip(sent, rebuilt, strict=True):
        for field in dataclasses.fields(a):
            x, y = getattr(a, field.name), getattr(b, field.name)
            if isinstance(x, pd.DataFrame):
                pd.testing.assert_frame_equal(x, y, check_exact=True)
                assert x.equals(y) and list(x.dtypes) == list(y.dtypes)
                assert x.columns.dtype == y.columns.dtype and x.index.equals(y.index)
                assert x.index.name == y.index.name
            elif isinstance(x, np.ndarray):
                assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
            else:
                assert x == y, field.name
    # The label columns travelled once; a change to one table does not reach another.
    first, second = rebuilt[0].metrics, rebuilt[1].metrics
    assert sum(len(pickle.dumps(pack_result(r))) for r in originals) > \
        len(pickle.dumps([pack_result(r) for r in originals])) * 1.3
    first.loc[0, "metric"] = "changed"
    assert second.loc[0, "metric"] == originals[1].metrics.loc[0, "metric"] != "changed"


def test_a_local_run_gives_the_tables_of_a_serial_run_with_the_kept_workers():
    serial = run_checked(short(), replications=12, seed=SEED, workers=1)
    scenario = validate_scenario(short())
    for _ in range(2):          # the second on the kept workers
        assert_identical(serial, simulate(scenario, replications=12, seed=SEED, workers=2))


def _frozen_objects(_: int) -> int:
    import gc

    return gc.get_freeze_count()


@pytest.mark.skipif(sys.platform != "linux", reason="forks its workers (Linux)")
def test_workers_leave_what_they_inherit_out_of_the_garbage_collector():
    """A worker's collector passes skip the objects it inherited (`parallel.settle_heap`):
    hundreds of thousands after the imports, which a full pass would otherwise visit."""
    import gc

    # In a worker, at least what it inherited at its start (this process's objects).
    at_start = len(gc.get_objects())
    counts = list(parallel.map_unordered(_frozen_objects, range(4), workers=2))
    assert len(counts) == 4 and min(counts) >= at_start // 2


def test_results_built_as_columns_in_a_worker_arrive_as_the_serial_ones():
    """A local worker builds its results' tables as columns (`tables_as_columns`), never as
    DataFrames; rebuilt where they arrive, they equal the serial run's tables to the last
    bit, dtypes included, with newborn care's monthly rows too; and the label arrays kept for
    every replication are not handed out: a change to a rebuilt table reaches no other."""
    import pickle

    from capsim.results import Columns, tables_as_columns

    scenario = validate_scenario({**short(), "newborn": {
        "cots": {"county": {"special": 2, "intensive": 1}}, "centres": ["county"]}})
    serial = [run_replication(scenario, r, seed=SEED) for r in range(3)]
    with tables_as_columns():
        built = [run_replication(scenario, r, seed=SEED) for r in range(3)]
    assert all(isinstance(b.metrics, Columns) for b in built)
    rebuilt = [unpack_result(p) for p in pickle.loads(pickle.dumps([pack_result(b)
                                                                     for b in built]))]
    for a, b in zip(serial, rebuilt, strict=True):
        for name in ("metrics", "flows", "care_monthly"):
            x, y = getattr(a, name), getattr(b, name)
            pd.testing.assert_frame_equal(x, y, check_exact=True)
            assert list(x.dtypes) == list(y.dtypes) and x.index.equals(y.index)
        assert a.daily_census.tobytes() == b.daily_census.tobytes()
    rebuilt[0].metrics.loc[0, "facility"] = "changed"
    again = unpack_result(pack_result(built[1]))
    assert again.metrics.loc[0, "facility"] == serial[1].metrics.loc[0, "facility"] != "changed"
    assert rebuilt[1].metrics.loc[0, "facility"] != "changed"
