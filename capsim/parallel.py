"""Where many independent tasks run: in this process, on local processes, or on a
dask.distributed cluster, with the same results whichever is used.

`map_unordered` applies one function to many items and yields each result as soon as it
is ready, so a caller can store finished work at once (a crash later loses nothing already
yielded). Tasks must not depend on which worker runs them or in which order: capsim's
replications draw every random number from (scenario seed, replication, stream name).

Workers never outlive the process that started them: each watches its parent and exits when
the parent is gone (on Linux the kernel also kills it at once), so a killed run leaves no
process behind holding its output open. Ctrl-C (and SIGTERM in the command line) reaches only
the parent, which stops the workers and keeps what finished.

A dask scheduler given by address is reached, and its first worker awaited, within stated
times (`SchedulerAddress`); a silent port or a cluster without workers ends in an error
saying what was waited for, never in a hang.

Local worker processes are kept for the rest of the Python session and reused by the next
run on as many processes (a notebook's second run starts none), and stopped when the
interpreter exits or by `shutdown`. A forked worker knows the code as it was when it started,
so new workers replace the kept ones when a function or class of ``__main__``, of capsim or of
the task function's module has changed since (a notebook cell defining a function, a test
replacing one), or the working folder has; a run while the kept ones are busy (another thread,
or a run inside a run) gets workers of its own for its duration.

Faults: a worker process that dies loses only the tasks it was running, which are run again;
a task that keeps killing its worker stops the run with `WorkerLostError` after
``retries`` reruns. A task that raises an error is not retried (a seeded replication would
fail the same way) and its error reaches the caller unchanged.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import gc
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from capsim.errors import CapsimError

#: Times a task that keeps killing its worker process is run again before the run stops.
DEFAULT_RETRIES = 2

#: Tasks handed to local processes at a time, per process: enough to keep each one busy,
#: few enough that a broken pool loses little and results do not pile up in memory.
IN_FLIGHT_PER_WORKER = 2

#: Seconds to wait for a dask scheduler given by address to answer.
CONNECT_TIMEOUT_S = 30.0

#: Seconds to wait for the first worker of a dask cluster once its scheduler answered.
WORKERS_TIMEOUT_S = 60.0

#: Seconds between a worker process's checks that its parent is still there.
PARENT_CHECK_S = 0.5


@dataclass(frozen=True)
class SchedulerAddress:
    """A dask scheduler's address with the longest waits to reach it (``connect_timeout``)
    and then for its first worker (``workers_timeout``), in seconds."""

    address: str
    connect_timeout: float = CONNECT_TIMEOUT_S
    workers_timeout: float = WORKERS_TIMEOUT_S

    def __str__(self) -> str:
        return self.address


class WorkerLostError(RuntimeError):
    """A task kept killing its worker process; ``item`` is the task, ``attempts`` how many
    times it was lost with its worker."""

    def __init__(self, item: Any, attempts: int):
        self.item, self.attempts = item, attempts
        super().__init__(f"{item} was lost with its worker process {attempts} times "
                         "(the process died or was killed, e.g. out of memory)")

    def __reduce__(self):
        return type(self), (self.item, self.attempts)


def default_workers() -> int:
    """Worker processes used when none are asked for: every core of this machine."""
    return max(1, os.cpu_count() or 1)


def map_unordered(fn: Callable, items: Iterable, workers: int | None = 1, *,
                  client: Any = None, retries: int = DEFAULT_RETRIES) -> Iterator:
    """Apply ``fn`` to each item; yield the results as they finish (in any order).

    Where it runs: with ``client`` (a ``dask.distributed.Client``, or a scheduler address such
    as ``"tcp://host:8786"``) on that dask cluster, whatever ``workers`` says; otherwise
    ``workers`` local processes (``None``: every core), or this process when ``workers <= 1``.
    ``fn`` and the items must be picklable (and importable on dask workers). A task lost with
    its worker process is run again; a task that keeps killing its worker raises
    `WorkerLostError` once lost ``retries + 1`` times (locally, the last time alone in
    the pool, so that it is surely the culprit; on dask, counting the scheduler's
    ``KilledWorker`` verdicts). An error raised by ``fn`` is raised here unchanged, after the
    results that finished beside it. Closing the iterator early (or an error, or an
    interruption) cancels the unfinished tasks; local worker processes running one are
    stopped rather than awaited.
    """
    items = list(items)
    if retries < 0:
        raise ValueError(f"retries must be 0 or more, got {retries}")
    if client is not None:
        yield from _on_dask(fn, items, client, retries)
        return
    workers = default_workers() if workers is None else int(workers)
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield fn(item)
        return
    yield from _on_local_processes(fn, items, min(workers, len(items)), retries)


def _pool(workers: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_start, initargs=(os.getpid(),))


@dataclass
class _KeptPool:
    """A local pool kept for reuse: ``code`` is what its workers know (`_code_state`),
    ``busy`` whether a run is using it."""

    pool: ProcessPoolExecutor
    code: dict = field(default_factory=dict)
    busy: bool = False


#: The local pools kept for reuse in this process, by number of worker processes.
_kept: dict[int, _KeptPool] = {}
_kept_lock = threading.Lock()


def _code_state(fn: Callable) -> dict:
    """What a forked worker must still agree with for a kept pool to run ``fn``: the working
    folder, and every function and class (by module and name) of ``__main__``, of capsim and
    of the module ``fn`` (or the function it wraps) comes from."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    home = getattr(fn, "__module__", None)
    state: dict = {("", "cwd"): os.getcwd()}
    for name, module in list(sys.modules.items()):
        if name in ("__main__", home) or name == "capsim" or name.startswith("capsim."):
            for key, value in list(vars(module).items()):
                if callable(value):
                    state[name, key] = value
    return state


def _healthy(pool: ProcessPoolExecutor) -> bool:
    """Whether every worker process of ``pool`` that has started is still alive and the pool
    not known to be broken: a worker killed between runs (out of memory, by hand) is found
    here, before the pool is handed to a run, rather than by whenever the pool notices."""
    if getattr(pool, "_broken", False):
        return False
    processes = getattr(pool, "_processes", None) or {}
    return all(p.is_alive() for p in list(processes.values()))


def _same_code(a: dict, b: dict) -> bool:
    """Whether two `_code_state` records name the very same objects."""
    missing = object()
    return len(a) == len(b) and all(b.get(k, missing) is v or (k == ("", "cwd") and b[k] == v)
                                    for k, v in a.items())


class _Lease:
    """The local pool one run uses: the kept pool for its number of workers when that is free
    and its workers know the current code (`_code_state`), otherwise a pool of its own.
    `replace` swaps a broken pool for a new one; `release` gives a kept pool back for the next
    run, or stops the workers (all of them, running or not, when the run did not finish)."""

    def __init__(self, workers: int, fn: Callable):
        self.workers = workers
        self.code = _code_state(fn)
        stale = None
        with _kept_lock:
            kept = _kept.get(workers)
            if kept is not None and not kept.busy and not (
                    _same_code(kept.code, self.code) and _healthy(kept.pool)):
                stale, kept = kept, None
            if kept is None:
                kept = _kept[workers] = _KeptPool(_pool(workers), self.code)
            self.kept: _KeptPool | None = None if kept.busy else kept
            if self.kept is not None:
                self.kept.busy = True
        # Processes start with the first task, so no fork happens while the lock is held.
        self.pool = _pool(workers) if self.kept is None else self.kept.pool
        if stale is not None:
            stale.pool.shutdown(wait=True)

    def replace(self) -> None:
        """Stop this run's (broken) pool and continue on a new one."""
        self.pool.shutdown(wait=True)
        self.pool = _pool(self.workers)
        if self.kept is not None:
            with _kept_lock:
                self.kept.pool, self.kept.code = self.pool, self.code

    def release(self, finished: bool) -> None:
        """Keep the pool for the next run when the run ``finished`` and the pool is the kept
        one; otherwise stop its workers (at once, abandoning their tasks, when the run did not
        finish)."""
        keep = False
        if self.kept is not None:
            with _kept_lock:
                self.kept.busy = False
                keep = finished and _kept.get(self.workers) is self.kept
                if not keep and _kept.get(self.workers) is self.kept:
                    del _kept[self.workers]
        if keep:
            return
        if not finished:
            # Left early (an error, Ctrl-C or SIGTERM here or in the caller, the iterator
            # closed): the running tasks' results are not wanted, so do not wait for them.
            _stop_workers(self.pool)
        self.pool.shutdown(wait=True, cancel_futures=True)


def shutdown() -> None:
    """Stop the local worker processes kept for reuse (see the module's text), waiting for
    them to end; the next run on local processes starts new ones. Returns None. Called when
    the interpreter exits; call it to free their memory sooner."""
    with _kept_lock:
        kept = list(_kept.values())
        _kept.clear()
    for k in kept:
        k.pool.shutdown(wait=True, cancel_futures=True)


def _forget_kept_pools() -> None:
    """In a forked child (a worker among them): the parent's kept pools are not its own."""
    global _kept_lock
    _kept_lock = threading.Lock()
    _kept.clear()


atexit.register(shutdown)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_kept_pools)


def settle_heap() -> None:
    """Leave the objects this process holds now out of the cyclic garbage collector's later
    passes (``gc.freeze``), once per process: called when the imports and the compile are
    done, whose objects (modules, functions, numba's types and libraries: a few hundred
    thousand) live as long as the process. A full pass over them takes about a tenth of a
    second, which a run of a second or less would otherwise pay now and then at random, in
    this process and in every worker forked from it (whose pages it would also copy, by
    touching them). Objects made later are collected as always; one held now that later
    becomes garbage in a reference cycle is not freed (most are modules and code, kept to the
    end anyway). Returns None."""
    global _heap_settled
    if not _heap_settled:
        gc.freeze()
        _heap_settled = True


#: Whether `settle_heap` has run in this process (a forked worker inherits its parent's).
_heap_settled = False


def _worker_start(parent: int) -> None:
    """Set up a local worker process: leave Ctrl-C to the parent (which stops the workers
    itself, so no worker prints a traceback), end this process when the parent ends, and
    leave what it inherited out of its garbage collector's passes (`settle_heap`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the command line's SIGTERM handler; the parent stops its
    # workers with SIGTERM, which must end them at once, silently.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        _die_with_parent_linux()
    if os.getppid() != parent:      # the parent ended before this process was set up
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="capsim-parent-watch",
                     daemon=True).start()
    gc.freeze()


def _die_with_parent_linux() -> None:
    """Ask the Linux kernel to kill this process when its parent ends (PR_SET_PDEATHSIG)."""
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):       # no prctl: the watching thread is enough
        pass


def _watch_parent(parent: int) -> None:
    """Exit this worker process at once when its parent is gone (it is then adopted, so its
    parent id changes): portable, where the kernel does not do it."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the worker processes of ``pool`` now (their unfinished tasks are abandoned), so
    that ``pool.shutdown`` returns at once."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.terminate()
    # A worker stopped halfway through sending a result would leave the pool's reader waiting
    # for the rest of it for ever, since this process holds the pipe's writing end too:
    # closing that end turns the wait into an end of file, which the pool takes as broken.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


def _on_local_processes(fn: Callable, items: list, workers: int, retries: int) -> Iterator:
    """Run on a local process pool, several short items to a task (`_task_items`) so that
    the pool's own work per task, and this process's share of it, do not outweigh short
    items. When a process dies the whole pool breaks: yield what finished, start a new pool
    and resubmit the items that were in flight. Those are suspects and are rerun one at a
    time, alone in the pool, so that a further loss is the item's own."""
    todo = list(range(len(items)))[::-1]        # a stack: next item at the end
    losses = [0] * len(items)
    suspects: set[int] = set()
    window = IN_FLIGHT_PER_WORKER * workers
    busy_s, busy_items = 0.0, 0     # CPU seconds the finished tasks took, their items
    running: dict[Future, list[int]] = {}
    lease = _Lease(workers, fn)
    finished = False
    try:
        while todo or running:
            broken = False
            while todo and len(running) < window:
                if todo[-1] in suspects:
                    if running:
                        break
                    chunk = [todo[-1]]
                elif any(suspects.intersection(c) for c in running.values()):
                    break
                else:
                    chunk = []
                    size = _task_items(busy_s, busy_items, len(todo), workers)
                    for i in reversed(todo[-size:]):
                        if i in suspects:
                            break
                        chunk.append(i)
                try:
                    fut = lease.pool.submit(_apply_until_error, fn, [items[i] for i in chunk])
                except BrokenExecutor:
                    broken = True
                    break
                del todo[-len(chunk):]
                running[fut] = chunk
            done: set[Future] = set()
            alone = len(running) == 1
            if running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                if broken or any(isinstance(f.exception(), BrokenExecutor) for f in done):
                    # Every unfinished task of a broken pool fails: let them all settle.
                    broken = True
                    done, _ = wait(running)
            lost: list[list[int]] = []
            errors = []
            for fut in sorted(done, key=lambda f: running[f][0]):
                chunk = running.pop(fut)
                exc = fut.exception()
                if isinstance(exc, BrokenExecutor):
                    lost.append(chunk)
                elif exc is not None:
                    errors.append(exc)
                else:
                    results, error, seconds = fut.result()
                    busy_s += seconds
                    busy_items += len(results)
                    yield from results
                    if error is not None:
                        errors.append(error)
            if errors:      # raised after yielding what finished beside it
                raise errors[0]
            for chunk in lost:
                for i in chunk:
                    losses[i] += 1
                    if alone and len(chunk) == 1 and losses[i] > retries:
                        raise WorkerLostError(items[i], losses[i])
                suspects.update(chunk)
            if broken:
                todo.extend(i for chunk in reversed(lost) for i in reversed(chunk))
                lease.replace()
        finished = True
    finally:
        lease.release(finished)


#: Seconds of work a local task is given at most when its items are short: long enough that
#: the pool's own cost per task (a millisecond or two: the results pickled, sent and read
#: back while the worker waits) is small, short enough that an interrupted run loses little.
TASK_SECONDS = 0.2

#: Seconds of work a local task is given at least (unless its items are longer): a few times
#: the pool's own cost per task, so that the last tasks can be single items of a few
#: milliseconds and the workers end together.
MIN_TASK_SECONDS = 0.005

#: Tasks per worker process the items left are cut into, so that the last tasks are short
#: and the workers end together.
LOCAL_TASKS_PER_WORKER = 2


def _task_items(seconds: float, done: int, left: int, workers: int) -> int:
    """Items in the next local task, of the ``left`` to run on ``workers`` processes: one
    until items have finished (``done`` of them in ``seconds`` of CPU time, which a busy
    machine does not stretch); then an equal share of those left, rounded up
    (`LOCAL_TASKS_PER_WORKER` tasks per worker: shares shrink to single items at the end),
    at most `MAX_ITEMS_PER_TASK` and about `TASK_SECONDS` of work, at least about
    `MIN_TASK_SECONDS`."""
    if done <= 0:
        return 1
    if seconds <= 0:        # too short to measure
        return max(1, min(left, MAX_ITEMS_PER_TASK))
    each = seconds / done
    share = min(math.ceil(left / (LOCAL_TASKS_PER_WORKER * max(workers, 1))),
                MAX_ITEMS_PER_TASK, int(TASK_SECONDS / each))
    return max(1, min(left, max(share, math.ceil(MIN_TASK_SECONDS / each))))


def _apply_until_error(fn: Callable, items: list
                       ) -> tuple[list, BaseException | None, float]:
    """``[fn(item) for item in items]`` up to the first item that raises, that error (None
    when none did), and the CPU seconds they took: the work of one local task, whose finished
    results still reach the caller when a later item fails."""
    started = time.process_time()
    results = []
    for item in items:
        try:
            results.append(fn(item))
        except Exception as exc:
            return results, exc, time.process_time() - started
    return results, None, time.process_time() - started


@contextmanager
def connect(client: Any):
    """Yield a ``dask.distributed.Client`` with at least one worker: ``client`` itself, or a
    new one connected to the scheduler ``client`` names (an address, or a
    `SchedulerAddress` with its waits) and closed afterwards. Raises
    `CapsimError` when dask is not installed, the scheduler does not answer within
    ``connect_timeout`` seconds, or no worker joins within ``workers_timeout`` seconds."""
    try:
        from distributed import Client
        from distributed.comm import get_address_host_port
    except ImportError as exc:
        raise CapsimError("running on a dask cluster needs dask.distributed: "
                          "pip install 'capsim[dask]'") from exc
    if isinstance(client, Client):
        _await_workers(client, str(client.scheduler.address), WORKERS_TIMEOUT_S)
        yield client
        return
    if isinstance(client, str):
        client = SchedulerAddress(client)
    if not isinstance(client, SchedulerAddress) or not client.address.strip():
        raise CapsimError("scheduler: expected a dask Client or an address such as "
                          f"tcp://host:8786, got {client!r}")
    address = client.address.strip()
    try:
        # Checked first: a Client built on a malformed address hangs when collected.
        get_address_host_port(address)
    except ValueError as exc:
        raise CapsimError(f"scheduler {address}: cannot connect to the dask scheduler "
                          f"(ValueError: {exc})") from None
    _probe_scheduler(address, client.connect_timeout)
    try:
        own = Client(address, timeout=client.connect_timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise CapsimError(f"scheduler {address}: cannot connect to the dask scheduler "
                          f"({type(exc).__name__}: {exc})") from None
    try:
        _await_workers(own, address, client.workers_timeout)
        yield own
    finally:
        own.close()


def _probe_scheduler(address: str, timeout: float) -> None:
    """Return when a dask scheduler answers at ``address`` within ``timeout`` seconds; raise
    `CapsimError` saying what was waited for otherwise. (A dask Client would wait for
    ever on a port that accepts connections but never answers.)"""
    from distributed.comm import connect as open_comm
    from distributed.security import Security

    async def ask_identity() -> None:
        comm = await open_comm(address, timeout=timeout,
                               **Security().get_connection_args("client"))
        try:
            await comm.write({"op": "identity", "reply": True})
            await comm.read()
        finally:
            await comm.close()

    try:
        _run_async(ask_identity(), timeout)
    except TimeoutError:
        raise CapsimError(f"scheduler {address}: no dask scheduler answered within "
                          f"{timeout:g} s (is the address right, and the scheduler "
                          "running? --scheduler-timeout sets the wait)") from None
    except TypeError as exc:
        if address.startswith("tls://"):
            raise CapsimError(f"scheduler {address}: tls:// needs TLS settings (dask's "
                              "distributed.comm.tls configuration: CA file, client certificate "
                              "and key)") from None
        raise CapsimError(f"scheduler {address}: cannot connect ({exc})") from None
    except Exception as exc:
        raise CapsimError(f"scheduler {address}: cannot connect to the dask scheduler "
                          f"({type(exc).__name__}: {exc})") from None


def _run_async(coro: Coroutine, timeout: float) -> None:
    """Run ``coro`` to its end on a new event loop in a thread of its own (the caller may be
    inside a running loop, e.g. a notebook); raise TimeoutError after ``timeout`` seconds."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            asyncio.run(asyncio.wait_for(coro, timeout))
            outcome.append(None)
        except BaseException as exc:        # handed to the caller's thread
            outcome.append(exc)

    thread = threading.Thread(target=run, name="capsim-scheduler-probe", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    if not outcome:
        raise TimeoutError(f"no answer within {timeout:g} s")
    if outcome[0] is not None:
        raise outcome[0]


def _await_workers(client: Any, address: str, timeout: float) -> None:
    """Return when the cluster of ``client`` has a worker; raise `CapsimError` after
    ``timeout`` seconds without one."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise CapsimError(f"scheduler {address}: no dask worker joined within {timeout:g} s "
                          f"(start one with `dask worker {address}`; --scheduler-timeout sets "
                          "the wait)") from None


def _on_dask(fn: Callable, items: list, client: Any, retries: int) -> Iterator:
    """Run on a dask cluster, several items to a task (`_chunk_size`) so that dask's
    own work per task does not outweigh short tasks. The scheduler itself reruns the tasks of
    a worker that dies (up to its ``allowed-failures``); when it gives up on a task
    (``KilledWorker``), its items are resubmitted one to a task, each up to ``retries`` times,
    so that the one that kills its worker is named."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    with connect(client) as c:
        size = _chunk_size(len(items), sum(c.nthreads().values()))
        chunks = [list(range(k, min(k + size, len(items)))) for k in range(0, len(items), size)]
        pending = {c.submit(_apply_each, fn, [items[i] for i in chunk], pure=False): chunk
                   for chunk in chunks}
        attempts = dict.fromkeys(range(len(items)), 1)
        stream = as_completed(list(pending), loop=c.loop)
        try:
            for fut in stream:
                chunk = pending.pop(fut)
                if fut.status == "error" and isinstance(fut.exception(), KilledWorker):
                    for i in chunk:
                        if len(chunk) == 1:
                            if attempts[i] > retries:
                                raise WorkerLostError(items[i], attempts[i])
                            attempts[i] += 1
                        again = c.submit(_apply_each, fn, [items[i]], pure=False)
                        pending[again] = [i]
                        stream.add(again)
                    continue
                results = fut.result()          # raises the task's own error
                fut.release()
                yield from results
        finally:
            if pending:
                c.cancel(list(pending))


#: Tasks per dask worker thread a run is cut into, and the most items in one task (on dask or
#: local processes).
TASKS_PER_THREAD = 4
MAX_ITEMS_PER_TASK = 16


def _chunk_size(n_items: int, threads: int) -> int:
    """Items per task on dask: enough tasks to keep every worker busy to the end
    (``TASKS_PER_THREAD`` each), at most ``MAX_ITEMS_PER_TASK`` items in one."""
    return max(1, min(MAX_ITEMS_PER_TASK, n_items // (TASKS_PER_THREAD * max(threads, 1))))


def _apply_each(fn: Callable, items: list) -> list:
    """``[fn(item) for item in items]``: the work of one dask task."""
    return [fn(item) for item in items]
