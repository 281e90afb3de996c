"""How the engine's functions are compiled: the loops that Python calls at numba's
optimisation level, the functions that only compiled code calls at a lower one.

numba compiles each function into a library of its own, optimised (LLVM) and turned into
machine code, and links the libraries of the functions it calls into it, where everything is
optimised again at the caller's level. The machine code that runs is that of the loop Python
called (`capsim.model.pathway.simulate`, the admissions loop of `capsim.model.admissions`),
with every function it calls inside it, optimised as a whole. Optimising each callee fully on
its own as well is work thrown away (a fifth of the first compile after an install): a callee
is compiled at level 1 (`CALLEE_OPT`) instead of numba's 3, the loops at numba's level (3
unless ``NUMBA_OPT`` says otherwise), and the loops run as fast.

What changes, exactly: while numba compiles a function decorated with `jit_callee` (under
numba's compiler lock, so nothing else compiles at the same time), ``numba.config.OPT`` is at
most `CALLEE_OPT`; it is set back as soon as that function is compiled, also on an error. The
machine-code generator keeps numba's level, and the optimisation of the user's own functions
is not changed: a numba internal compiled meanwhile (``np.empty`` for some types, say) is
optimised again, at the user's level, inside any function of the user's that calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from numba import config, njit
from numba.core.compiler import Compiler

#: The LLVM optimisation level of the functions only compiled code calls (numba's is 3).
CALLEE_OPT = 1


@contextmanager
def optimisation_at_most(level: int) -> Iterator[None]:
    """Within the block, numba optimises at ``level`` or its own level if lower; set back
    after the block."""
    saved = config.OPT  # type: ignore[attr-defined]  # set at run time
    config.OPT = type(saved)(min(int(saved), level))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        config.OPT = saved  # type: ignore[attr-defined]


class CalleeCompiler(Compiler):  # type: ignore[misc]  # numba is untyped
    """numba's compiler, optimising at most at `CALLEE_OPT` while it compiles one function
    (each function it calls is compiled by its own compiler, at its own level)."""

    def _compile_core(self) -> Any:
        """numba's pipeline for this function at the callee's optimisation level; returns what
        numba's does."""
        with optimisation_at_most(CALLEE_OPT):
            return super()._compile_core()


def jit_loop(function: Callable) -> Any:
    """The decorator of a loop that Python calls: ``njit(cache=True)`` at numba's optimisation
    level, without numba's wrapper for calls from C (nothing passes the loop as a first-class
    function, so it would be compiled for nothing). Returns the dispatcher (with
    ``NUMBA_DISABLE_JIT=1``, the function itself)."""
    # numba's stubs name only some of its options; no_cfunc_wrapper is one of its flags.
    return njit(cache=True, no_cfunc_wrapper=True)(function)  # type: ignore[call-overload]


def jit_callee(python_calls: bool = False, **options: Any) -> Callable[[Callable], Any]:
    """The decorator of a function that compiled code calls: ``njit(cache=True)`` with
    ``options`` (such as ``inline="always"``), compiled by `CalleeCompiler`, and without
    numba's wrappers for calls from C, and from Python unless ``python_calls`` (a function the
    tests also call from Python): compiled code calls the function itself, so the wrappers
    would be compiled for nothing. Returns numba's decorator (with ``NUMBA_DISABLE_JIT=1``,
    the function itself, which Python may always call)."""
    options = {"no_cfunc_wrapper": True, **options}
    if not python_calls:
        options = {"no_cpython_wrapper": True, **options}
    return njit(cache=True, pipeline_class=CalleeCompiler, **options)  # type: ignore[no-any-return]
