"""The simulation engine: a compiled network and the event loop of one replication."""

from capsim.model.engine import RunRecord, ensure_compiled, run_engine
from capsim.model.network import OUT_OF_REGION, REASONS, Network, compile_network

__all__ = ["OUT_OF_REGION", "REASONS", "Network", "RunRecord", "compile_network",
           "ensure_compiled", "run_engine"]
