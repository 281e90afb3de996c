"""The obvious simpy model of capsim's pathway, now part of the package as
`capsim.model.simpy_model` (one process per woman, with dated policy and referral
changes); re-exported here under its benchmark names."""

from capsim.model.simpy_model import differences
from capsim.model.simpy_model import run_simpy as run_obvious

__all__ = ["differences", "run_obvious"]
