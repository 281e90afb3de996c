"""How the engine's functions are compiled: the loops that Python calls at numba's
optimisation level, the functions that only compiled code calls at a lower one.

numba compiles each function into a library of its own, optimised (LLVM) and turned into
machine code, and links the libraries of the functions it calls into it, where everything is
optimised again at the caller's level. The machine code that runs is that of the loop Python
called (`capsim.model.pathway.simulate`, the admissions loop of `capsim.model.admissions`),
with every function it calls inside it, optimised as a whole. Optimising each callee fully on
its own as well is work thrown away (a fifth of the first compile after an install): a callee
is compiled at level 1 (`CALLEE_OPT`) instead of numba's 3, the loops at numba's level (3
unless ``NUMBA_OPT`` says otherwise), and the loops run as fast. Turning each callee into
machine code of its own is work thrown away too (another fifth): a callee that Python never
calls is compiled into a `LinkOnlyLibrary`, which is linked into its callers but never made
into machine code, and is not put in numba's disk cache (whose entries are machine code); the
loops are, with their callees inside them. The records' constructors are compiled the same
way (`CALLEE_OPTIONS`).

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
from numba.core.codegen import JITCodeLibrary
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


class LinkOnlyLibrary(JITCodeLibrary):  # type: ignore[misc]  # numba is untyped
    """numba's library of one compiled function, less its machine code: the function's module
    is optimised and made ready to be linked into its callers as numba's always is, but never
    handed to the JIT engine, which would turn it into machine code that nothing runs (only
    the loops' machine code runs, with their callees linked into them). For the functions
    that only compiled code calls; about a fifth of the engine's first compile."""

    def _finalize_final_module(self) -> None:
        """numba's checks of the finished module, without adding it to the JIT engine."""
        self._finalize_dynamic_globals()
        self._verify_declare_only_symbols()
        self._finalized = True

    @property
    def codegen(self) -> Any:
        """numba's code generator, less the setting of this function's environment pointer,
        which lives in the JIT engine's copy of the module (there is none). Its callers' copies
        are left as they are when a caller is loaded from numba's disk cache."""
        return _NoEnvironment(self._codegen)


class _NoEnvironment:
    """A code generator whose `set_env` does nothing; everything else is the generator's."""

    def __init__(self, codegen: Any) -> None:
        """Wrap numba's code generator ``codegen``."""
        self._codegen = codegen

    def set_env(self, env_name: str, env: Any) -> None:
        """Nothing: see `LinkOnlyLibrary.codegen`."""

    def __getattr__(self, name: str) -> Any:
        """The generator's attribute ``name``."""
        return getattr(self._codegen, name)


#: Whether this numba has what `LinkOnlyLibrary` relies on (numba's library internals, as in
#: numba 0.68); where it does not, callees are made into machine code as numba always does:
#: the first compile is slower, the engine the same.
LINK_ONLY = all(callable(getattr(JITCodeLibrary, name, None))
                for name in ("_finalize_dynamic_globals", "_verify_declare_only_symbols",
                             "_finalize_final_module")) and isinstance(
    getattr(JITCodeLibrary, "codegen", None), property)


class CalleeCompiler(Compiler):  # type: ignore[misc]  # numba is untyped
    """numba's compiler, optimising at most at `CALLEE_OPT` while it compiles one function
    (each function it calls is compiled by its own compiler, at its own level), into a
    `LinkOnlyLibrary` when Python never calls the function."""

    def _compile_core(self) -> Any:
        """numba's pipeline for this function at the callee's optimisation level; returns what
        numba's does."""
        if LINK_ONLY and self.state.library is None and self.state.flags.no_cpython_wrapper:
            codegen = self.state.targetctx.codegen()
            self.state.library = LinkOnlyLibrary(codegen, self.state.func_id.func_qualname)
        with optimisation_at_most(CALLEE_OPT):
            return super()._compile_core()


def jit_loop(function: Callable) -> Any:
    """The decorator of a loop that Python calls: ``njit(cache=True)`` at numba's optimisation
    level, without numba's wrapper for calls from C (nothing passes the loop as a first-class
    function, so it would be compiled for nothing). Returns the dispatcher (with
    ``NUMBA_DISABLE_JIT=1``, the function itself)."""
    # numba's stubs name only some of its options; no_cfunc_wrapper is one of its flags.
    return njit(cache=True, no_cfunc_wrapper=True)(function)  # type: ignore[call-overload]


#: numba's options for a function that only compiled code calls (see `jit_callee`); also those
#: of the records' constructors (`capsim.model.heaps.define_constructor`).
CALLEE_OPTIONS: dict[str, Any] = {"pipeline_class": CalleeCompiler, "no_cfunc_wrapper": True,
                                  "no_cpython_wrapper": True}


def jit_callee(python_calls: bool = False, **options: Any) -> Callable[[Callable], Any]:
    """The decorator of a function that compiled code calls, compiled by `CalleeCompiler` with
    numba's ``options`` (such as ``inline="always"``). Without numba's wrappers for calls
    from C and from Python, into a `LinkOnlyLibrary` (no machine code, and no entry in numba's
    disk cache, which keeps machine code: the loops that call the function are cached with it
    inside them). With ``python_calls`` (a function the tests also call from Python), with
    the wrapper for Python, machine code and ``cache=True``. Returns numba's decorator (with
    ``NUMBA_DISABLE_JIT=1``, the function itself, which Python may always call)."""
    if python_calls:
        # numba's stubs name only some of its options; no_cfunc_wrapper is one of its flags.
        return njit(cache=True, pipeline_class=CalleeCompiler,  # type: ignore[call-overload]
                    no_cfunc_wrapper=True, **options)
    return njit(**CALLEE_OPTIONS, **options)  # type: ignore[no-any-return]
