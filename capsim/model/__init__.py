"""The simulation engine: a compiled network and the event loop of one replication, and the
plain simpy model of the same pathway (`capsim.model.simpy_model`)."""

from capsim.model.engine import RunRecord, ensure_compiled, run_engine
from capsim.model.network import OUT_OF_REGION, REASONS, Network, compile_network
from capsim.model.simpy_model import run_simpy

__all__ = ["OUT_OF_REGION", "REASONS", "Network", "RunRecord", "compile_network",
           "ensure_compiled", "run_engine", "run_simpy"]
