"""Python client of `tacit serve` (protocol 1): tacit's worlds behind PettingZoo's Parallel API.

Run-time dependencies: the standard library and numpy; gymnasium is used for spaces when installed.
See docs/interop.md in the tacit repository.
"""
from .connection import PROTOCOL_VERSION, Connection, LaunchedServer, TacitServerError, launch
from .parallel import TacitParallelEnv
from .vector import TacitVectorEnv

__all__ = ["PROTOCOL_VERSION", "Connection", "LaunchedServer", "TacitServerError", "TacitParallelEnv", "TacitVectorEnv", "launch"]
