"""Running replications: one function runs one replication; `simulate` runs many,
in this process, on local processes or on a dask.distributed cluster (see
`capsim.parallel`), and gathers them in replication order.

The seed of replication ``r`` is derived from (scenario seed, r) only, so results are
bit-identical whether they ran serially, on any number of local processes or on a cluster,
and in whatever order they finished.

Two engines simulate a replication (``engine=``, see `ENGINES`): the compiled event loop
(the default) and the plain simpy model of the same pathway, which gives the same results
woman by woman, slower.
"""

from __future__ import annotations

import dataclasses
import logging
import pickle
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from capsim import limits
from capsim.care import reduce_with_care
from capsim.demand import Cohort, build_cohort
from capsim.errors import CapsimError
from capsim.model import Network, RunRecord, compile_network, ensure_compiled, run_engine, run_simpy
from capsim.model.care import simulate_care
from capsim.model.engine import WARM_UP_SCENARIO, cached, compiled
from capsim.model.heaps import UNCOMPILED
from capsim.monthly import monthly_counts
from capsim.output import write_csv
from capsim.parallel import (
    DEFAULT_RETRIES,
    WorkerLostError,
    default_workers,
    map_unordered,
    settle_heap,
)
from capsim.results import (
    Columns,
    ReplicationResult,
    Results,
    as_frame,
    column_labels,
    is_strings,
    tables_as_columns,
)
from capsim.scenario import validate_scenario
from capsim.scenario.models import Scenario
from capsim.scenario.offered import unstable_load_messages

#: The engines that simulate one replication, by name: ``"compiled"``, the event loop
#: compiled with numba (`capsim.model.engine`), fast; ``"simpy"``, the plain simpy
#: model of the same pathway, one process per woman (`capsim.model.simpy_model`),
#: readable and more than ten times slower. Given the same seed they give the same results.
ENGINES: dict[str, Callable[[Network, Cohort], RunRecord]] = {
    "compiled": run_engine,
    "simpy": run_simpy,
}
DEFAULT_ENGINE = "compiled"


def engine_function(engine: str) -> Callable[[Network, Cohort], RunRecord]:
    """The function that simulates one replication with ``engine`` (a name of
    `ENGINES`); an unknown name is a `CapsimError` naming the
    choices."""
    try:
        return ENGINES[engine]
    except (KeyError, TypeError):
        raise CapsimError(f"unknown engine {engine!r}: choose one of "
                          f"{', '.join(map(repr, ENGINES))}") from None


class ReplicationError(RuntimeError):
    """A replication raised an error; says which one and with which seed, to rerun it alone."""

    def __init__(self, scenario: str, replication: int, seed: int, cause: BaseException | str):
        self.scenario, self.replication, self.seed = scenario, replication, seed
        # Kept as text: the error crosses process boundaries, its cause may not pickle.
        self.cause = cause if isinstance(cause, str) else f"{type(cause).__name__}: {cause}"
        super().__init__(
            f"scenario {scenario!r}, replication {replication}, seed {seed} failed: "
            f"{self.cause}. Rerun it alone with "
            f"capsim.run_replication(scenario, {replication}, seed={seed})."
        )

    def __reduce__(self):
        return type(self), (self.scenario, self.replication, self.seed, self.cause)


def run_replication(scenario: Scenario, replication: int, seed: int | None = None,
                    trace_dir: str | Path | None = None,
                    engine: str = DEFAULT_ENGINE) -> ReplicationResult:
    """Simulate replication ``replication`` of ``scenario``; return its compact results.

    ``seed`` defaults to the scenario's seed. With ``trace_dir``, a per-woman record of the
    replication is written there as ``trace-<replication>.csv.gz`` (not kept in memory).
    ``engine`` names the engine that simulates it (see `ENGINES`); the result records it.
    """
    seed = scenario.run.seed if seed is None else seed
    simulate_one = engine_function(engine)
    started = time.perf_counter()
    try:
        net = compile_network(scenario)
        cohort = build_cohort(scenario, replication, seed)
        record = simulate_one(net, cohort)
        if trace_dir is not None:
            write_trace(net, cohort, record, Path(trace_dir), replication)
        care = simulate_care(scenario, net, cohort, record, replication, seed)
        del cohort  # the record keeps what the results need; this bounds the peak memory
        result = reduce_with_care(net, record, care, replication, seed,
                                  scenario.horizon.sim_start)
        result.monthly = monthly_counts(scenario, net, record).astype(np.float32)
    except Exception as exc:  # report which replication, with its seed
        raise ReplicationError(scenario.name, replication, seed, exc) from exc
    result.wall_seconds = time.perf_counter() - started
    result.engine = engine
    return result


def write_trace(net, cohort, record, folder: Path, replication: int) -> Path:
    """Write one row per woman of a replication to ``folder``; return the file path.

    Times are hours since the start of the simulation (warm-up included)."""
    import numpy as np
    import pandas as pd

    from capsim.scenario.models import RISK_COLOURS

    folder.mkdir(parents=True, exist_ok=True)
    ids = np.asarray([*net.ids, "none"])
    df = pd.DataFrame({
        "replication": replication,
        "admit_h": cohort.admit_h,
        "event_h": cohort.event_h,
        "risk": np.asarray(RISK_COLOURS)[cohort.risk],
        "booked": ids[cohort.booked],
        "first_facility": ids[record.first],
        "delivery_facility": ids[record.facility],
        "mode": pd.Categorical.from_codes(record.mode + 1,
                                          ["none", "vaginal", "planned_cs", "emergency_cs"]),
        "delivered_h": record.delivered_h,
        "turned_away": record.turned_away,
        "out_of_region": record.out_of_region,
        "midwife_wait_h": record.midwife_wait_h,
        "ddi_min": record.ddi_min,
    })
    return write_csv(df, folder / f"trace-{replication:05d}.csv.gz")


@dataclass(frozen=True)
class ReplicationTask:
    """One replication to run: picklable, so any worker can run it."""

    scenario: Scenario
    replication: int
    seed: int
    trace_dir: str | Path | None = None
    engine: str = DEFAULT_ENGINE

    def __call__(self) -> ReplicationResult:
        return run_replication(self.scenario, self.replication, self.seed, self.trace_dir,
                               self.engine)

    def __str__(self) -> str:
        return (f"scenario {self.scenario.name!r}, replication {self.replication}, "
                f"seed {self.seed}")

    def __reduce__(self):
        # The scenario travels as its own pickle, which a worker rebuilds once: rebuilding the
        # validated model costs about a tenth of a replication, paid otherwise by every task.
        return _rebuild_task, (_scenario_pickle(self.scenario), self.replication, self.seed,
                               self.trace_dir, self.engine)


#: The scenario pickled last, with its pickle: the tasks of a run share one (scenarios are
#: frozen), so it is made once per run and a task of several replications carries it once.
_last_pickled: tuple[Scenario, bytes] | None = None


def _scenario_pickle(scenario: Scenario) -> bytes:
    """The pickle of ``scenario``, made once for the tasks of a run."""
    global _last_pickled
    last = _last_pickled  # read once: another thread may replace it meanwhile
    if last is None or last[0] is not scenario:
        last = _last_pickled = (scenario, pickle.dumps(scenario, pickle.HIGHEST_PROTOCOL))
    return last[1]


#: The scenario a worker process rebuilt last, by its pickle: the tasks of a run share it.
_last_scenario: tuple[bytes, Scenario] | None = None


def _rebuild_task(scenario: bytes, replication: int, seed: int,
                  trace_dir: str | Path | None, engine: str) -> ReplicationTask:
    global _last_scenario
    last = _last_scenario  # read once: a dask worker's threads may replace it meanwhile
    if last is None or last[0] != scenario:
        last = _last_scenario = (scenario, pickle.loads(scenario))
    return ReplicationTask(last[1], replication, seed, trace_dir, engine)


def _call(task: Callable[[], ReplicationResult]) -> ReplicationResult:
    return task()


def _call_packed(task: Callable[[], ReplicationResult]) -> dict:
    """Run ``task`` in a local worker process; return its result packed for the trip back
    (`pack_result`), its tables built as columns (`capsim.results.tables_as_columns`): they
    become DataFrames once, where they arrive."""
    with tables_as_columns():
        result = task()
    return pack_result(result)


def iterate_replications(scenario: Scenario, replications: Iterable[int], seed: int,
                         workers: int | None = 1, trace_dir: str | Path | None = None, *,
                         client: Any = None, retries: int = DEFAULT_RETRIES,
                         engine: str = DEFAULT_ENGINE) -> Iterator[ReplicationResult]:
    """Yield the results of the given replications as they finish (any order).

    Where they run: as `capsim.parallel.map_unordered` (``client``: a dask Client or
    scheduler address). Each result is yielded as soon as it is ready, so a caller can store
    it at once. A replication that fails, or whose worker process dies ``retries + 1`` times,
    raises `ReplicationError` naming its scenario, index and seed. ``engine`` names the
    engine every replication runs with (see `ENGINES`).
    """
    engine_function(engine)  # an unknown engine stops here, before any worker starts
    if trace_dir is not None:       # absolute, so that workers elsewhere write to the same folder
        trace_dir = Path(trace_dir).resolve()
    tasks = [ReplicationTask(scenario, r, seed, trace_dir, engine) for r in replications]
    ready_engine(engine, client)
    # Local worker processes send their results back packed: this process then rebuilds
    # their tables from column arrays, several times faster than unpickling them.
    local = client is None and (default_workers() if workers is None else int(workers)) > 1
    try:
        if local:
            for packed in map_unordered(_call_packed, tasks, workers, retries=retries):
                yield unpack_result(packed)
        else:
            yield from map_unordered(_call, tasks, workers, client=client, retries=retries)
    except WorkerLostError as exc:
        task = exc.item
        raise ReplicationError(task.scenario.name, task.replication, task.seed, exc) from exc


def check_run_size(scenario: Scenario, replications: int) -> None:
    """Refuse, before anything is allocated, a run of ``replications`` replications that is
    empty or larger than `capsim.limits` allows (replications, and women simulated:
    deliveries x years x replications), with a `CapsimError` that names
    the figure and the limit. The scenario's own ``run.replications`` is checked when it is
    validated; this checks a count given on the command line or in Python."""
    if replications <= 0:
        raise CapsimError(f"replications must be positive, got {replications}")
    if replications > limits.MAX_REPLICATIONS:
        raise CapsimError(f"{replications:,} replications asked, more than the "
                          f"{limits.MAX_REPLICATIONS:,} a run may have")
    women = scenario.women_per_replication * replications
    if women > limits.MAX_WOMEN_SIMULATED:
        raise CapsimError(
            f"about {women:.3g} women would be simulated (deliveries x years x "
            f"{replications:,} replications), more than the {limits.MAX_WOMEN_SIMULATED:,} a "
            "run may simulate: fewer replications or a shorter horizon")


def ready_engine(engine: str = DEFAULT_ENGINE, client: Any = None) -> None:
    """Compile the compiled engine and the compiled passes of the results in this process
    (or load them from the disk cache) when replications are to run here or on local
    workers: once here, not in every worker at the same time, and before a progress bar
    starts, whose rate would otherwise count the first compile. Then, once per process, the
    objects made so far are left out of the garbage collector's later passes
    (`capsim.parallel.settle_heap`), before local workers are forked. Nothing for the simpy
    model, nor for a dask cluster (``client``), whose workers compile for themselves."""
    if client is None and engine == "compiled":
        beside = _compile_beside()
        try:
            ensure_compiled()
        finally:
            if beside is not None:
                beside.join()
        _ensure_results_compiled()
        settle_heap()


#: The region of `_compile_beside`: the engine's warm-up region with newborn cots, so that a
#: replication of it runs the results' compiled passes and the admissions loop.
WARM_UP_WITH_CARE = {**WARM_UP_SCENARIO, "newborn": {
    "cots": {"unit": {"special": 2, "intensive": 1}}, "centres": ["unit"]}}


def _compile_beside() -> Any:
    """When this process is about to compile the engine (it is not in numba's disk cache) and
    processes can be forked: a process, started, that compiles the rest of what the first runs
    compile (the results' compiled passes, the admissions loop of newborn and paediatric
    care) into the disk cache, by one replication of `WARM_UP_WITH_CARE` on the plain simpy
    model, while this process compiles the engine: on two cores the first run after an
    install waits for the engine alone. None otherwise (nothing to gain, or no fork)."""
    import multiprocessing

    if (UNCOMPILED or compiled() or cached()
            or "fork" not in multiprocessing.get_all_start_methods()):
        return None
    process = multiprocessing.get_context("fork").Process(
        target=_warm_up_beside, name="capsim-compile", daemon=True)
    process.start()
    return process


def _warm_up_beside() -> None:
    """The work of `_compile_beside`'s process. A failure is silent: this process only saves
    time, and what it did not compile compiles where it is first needed."""
    try:
        scenario = validate_scenario(WARM_UP_WITH_CARE, source="<engine warm-up>")
        run_replication(scenario, 0, engine="simpy")
    except Exception:  # noqa: BLE001 - see the docstring
        pass


#: Whether this process has compiled (or loaded) the compiled passes of the results.
_results_ready = False


def _ensure_results_compiled() -> None:
    """Compile (or load from the disk cache) the compiled passes of the results
    (`capsim.results`, `capsim.time_use`, `capsim.monthly`, `capsim.care`) and the admissions
    loop of the lines of care, by one replication of `WARM_UP_WITH_CARE`, once per process:
    before local workers start, so that they inherit them rather than each load them."""
    global _results_ready
    if _results_ready:
        return
    run_replication(validate_scenario(WARM_UP_WITH_CARE, source="<engine warm-up>"), 0)
    _results_ready = True


class StudyProgress:
    """Counts the replications a run or a study of several runs has finished.

    ``progress=True`` shows a progress bar on standard error once the count lasts more than
    two seconds (so a short run prints nothing); a callable receives (done, total) after each
    replication; False counts silently. An instance is itself such a callable, so a study
    passes it as the ``progress`` of each `simulate` it makes and one bar covers them
    all. ``total`` may be an upper bound: `finish` closes it at the count reached.
    """

    def __init__(self, progress: bool | Callable[[int, int], None], total: int,
                 desc: str = "") -> None:
        self.done, self.total = 0, int(total)
        self._report = progress if callable(progress) else None
        self._bar = None
        if progress is True:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self.total, desc=desc, unit="rep", delay=2.0, leave=False)

    def advance(self, *_: int) -> None:
        """Count one more finished replication (arguments, a run's own count, are ignored)."""
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)
        elif self._report is not None:
            self._report(self.done, self.total)

    __call__ = advance

    def finish(self) -> None:
        """Close the count at what was done, when ``total`` was only an upper bound."""
        if self.done != self.total:
            self.total = self.done
            if self._bar is not None:
                self._bar.total = self.done
                self._bar.refresh()
            elif self._report is not None:
                self._report(self.done, self.total)

    def close(self) -> None:
        """Remove the bar, if one is shown."""
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> StudyProgress:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def simulate(scenario: Scenario, replications: int | None = None, seed: int | None = None,
             workers: int | None = None, progress: bool | Callable[[int, int], None] = False,
             trace_dir: str | Path | None = None, client: Any = None,
             engine: str = DEFAULT_ENGINE) -> Results:
    """Simulate ``replications`` independent replications of ``scenario``.

    Returns `Results` with replications in index order, identical
    wherever they ran. ``replications`` and ``seed`` default to the scenario's run settings;
    ``workers`` to every local core (1 runs in this process). With ``client`` (a
    ``dask.distributed.Client``, or a scheduler address such as ``"tcp://host:8786"``) the
    replications run on that dask cluster and ``workers`` is ignored; ``trace_dir`` must then
    be a folder every dask worker can write to. ``progress=True`` shows a progress bar once a
    run lasts more than two seconds; a callable receives (done, total) after each replication.
    ``engine`` names the engine (see `ENGINES`): ``"compiled"`` (default) or ``"simpy"``,
    the plain simpy model of the same pathway; an unknown name is a
    `CapsimError`. Each replication records the engine that ran it.
    """
    engine_function(engine)
    n = scenario.run.replications if replications is None else int(replications)
    check_run_size(scenario, n)
    seed = scenario.run.seed if seed is None else int(seed)
    if seed < 0:
        raise CapsimError(f"seed must be a non-negative integer, got {seed}")
    workers = default_workers() if workers is None else int(workers)
    for message in unstable_load_messages(scenario):  # before anything is simulated
        logging.getLogger("capsim").warning("capsim: %s", message)
    done: dict[int, ReplicationResult] = {}
    ready_engine(engine, client)
    with StudyProgress(progress, n, scenario.name) as bar:
        for res in iterate_replications(scenario, range(n), seed, workers, trace_dir,
                                        client=client, engine=engine):
            done[res.replication] = res
            bar.advance()
    return Results(scenario=scenario, network=compile_network(scenario), seed=seed,
                   replications=[done[r] for r in range(n)])


# --- results packed for the trip back from a local worker process -----------------------------
#
# Unpickling the three small tables of a `ReplicationResult` (metrics, flows, newborn care)
# cost the gathering process more than the rest of a run's bookkeeping together: pandas
# rebuilds each table's index and blocks and checks them. Packed, a table travels as its
# column names and arrays and is rebuilt without those checks (its columns came from a table
# pandas built); a label column equal to the one the worker sent last (the year, facility and
# metric labels are the same in every replication of a scenario) is sent as that same array,
# so a task of several replications carries it once. The rebuilt tables equal the sent ones to
# the last bit, with the same dtypes and index.

#: The fields of a `ReplicationResult`, and those that hold tables.
RESULT_FIELDS = tuple(f.name for f in dataclasses.fields(ReplicationResult))
RESULT_TABLES = ("metrics", "flows", "care_monthly")

#: Per (table, column): the label column this worker process sent last.
_sent: dict[tuple[str, str], Any] = {}

def pack_result(result: ReplicationResult) -> dict[str, Any]:
    """The fields of ``result`` with each table as `capsim.results.Columns` (its column names
    and arrays), or the table itself when it cannot be rebuilt from those alone (an index
    other than 0..n-1, repeated column names, attributes). A table built as `Columns`
    (`capsim.results.tables_as_columns`, as `_call_packed` builds them) is taken as it is."""
    packed = {name: getattr(result, name) for name in RESULT_FIELDS}
    for name in RESULT_TABLES:
        table = packed[name]
        if isinstance(table, Columns):
            names, arrays = table
        elif table is not None and _plain(table):
            names, arrays = tuple(table.columns), _column_arrays(table)
        else:
            continue
        packed[name] = Columns(names, [_shared(name, column, array)
                                       for column, array in zip(names, arrays, strict=True)])
    return packed


def unpack_result(fields: dict[str, Any]) -> ReplicationResult:
    """The `ReplicationResult` that `pack_result` packed: each `Columns` made a table of its
    own (`capsim.results.as_frame`: a column of strings may have come shared by several
    tables, `_shared`, and is copied, so that a change to one never shows in another)."""
    fields = dict(fields)
    for name in RESULT_TABLES:
        fields[name] = as_frame(fields[name])
    return ReplicationResult(**fields)


def _plain(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is its column names and arrays alone: an unnamed index 0..n-1, and
    unique, unnamed string column names whose labels `capsim.results.column_labels`
    rebuilds; no attributes."""
    index, columns = frame.index, frame.columns
    return (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            and index.name is None and columns.name is None and columns.is_unique
            and not frame.attrs and all(isinstance(c, str) for c in columns)
            and columns.dtype == column_labels(tuple(columns)).dtype)


def _column_arrays(frame: pd.DataFrame) -> list:
    """The arrays of ``frame``'s columns, in order, as stored (not copied): numpy arrays, or
    pandas' own arrays for its own dtypes."""
    stored = getattr(frame, "_iter_column_arrays", None)     # pandas' own, without a Series
    if stored is not None:
        return list(stored())
    return [frame.iloc[:, i].array for i in range(frame.shape[1])]


def _shared(table: str, column: str, array: Any) -> Any:
    """``array``, or the equal label column this process sent last: a column of strings
    (`capsim.results.is_strings`) that is that very column (labels kept for every
    replication, sent as they are by `tables_as_columns`) or equal to it element by element."""
    if not is_strings(array):
        return array
    last = _sent.get((table, column))
    if last is not None and (last is array or len(last) == len(array) and
                             np.array_equal(np.asarray(last), np.asarray(array))):
        return last
    _sent[table, column] = array
    return array
