"""Spaces of served worlds: real `gymnasium.spaces` objects when gymnasium is installed, otherwise
small equivalents here with the same attributes and methods (`n`, `nvec`, `low`, `high`, `shape`,
`dtype`, `sample()`, `seed()`, `contains()`), so a client needs numpy only."""
from __future__ import annotations

import numpy as np

try:  # gymnasium is optional
    import gymnasium.spaces as _gym_spaces
except ImportError:  # pragma: no cover - exercised where gymnasium is absent
    _gym_spaces = None


def _bounds(values: list) -> np.ndarray:
    return np.array([np.inf if v == "inf" else -np.inf if v == "-inf" else v for v in values], dtype=np.float64)


class _Space:
    def __init__(self, seed: int | None = None):
        self.np_random = np.random.default_rng(seed)

    def seed(self, seed: int | None = None) -> list:
        self.np_random = np.random.default_rng(seed)
        return [seed]


class Discrete(_Space):
    """One of `n` integers 0..n-1."""

    def __init__(self, n: int):
        super().__init__()
        self.n = int(n)
        self.shape = ()
        self.dtype = np.dtype(np.int64)

    def sample(self, mask=None) -> np.int64:
        return np.int64(self.np_random.integers(self.n))

    def contains(self, x) -> bool:
        return isinstance(x, (int, np.integer)) and 0 <= int(x) < self.n

    def __repr__(self) -> str:
        return f"Discrete({self.n})"


class MultiDiscrete(_Space):
    """A vector of integers, slot k in 0..nvec[k]-1."""

    def __init__(self, nvec: list):
        super().__init__()
        self.nvec = np.array(nvec, dtype=np.int64)
        self.shape = self.nvec.shape
        self.dtype = np.dtype(np.int64)

    def sample(self, mask=None) -> np.ndarray:
        return (self.np_random.random(self.nvec.shape) * self.nvec).astype(np.int64)

    def contains(self, x) -> bool:
        x = np.asarray(x)
        return x.shape == self.shape and np.issubdtype(x.dtype, np.integer) and bool(np.all((x >= 0) & (x < self.nvec)))

    def __repr__(self) -> str:
        return f"MultiDiscrete({self.nvec.tolist()})"


class Box(_Space):
    """A float32 vector with elementwise bounds (possibly infinite)."""

    def __init__(self, low: np.ndarray, high: np.ndarray):
        super().__init__()
        self.low = low.astype(np.float32)
        self.high = high.astype(np.float32)
        self.shape = self.low.shape
        self.dtype = np.dtype(np.float32)

    def sample(self, mask=None) -> np.ndarray:
        lo = np.where(np.isfinite(self.low), self.low, np.where(np.isfinite(self.high), self.high - 1, -1))
        hi = np.where(np.isfinite(self.high), self.high, lo + 1)
        return self.np_random.uniform(lo, hi).astype(np.float32)

    def contains(self, x) -> bool:
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all((x >= self.low) & (x <= self.high)))

    def __repr__(self) -> str:
        return f"Box({self.low.min()}, {self.high.max()}, {self.shape}, float32)"


def make_space(spec: dict, use_gymnasium: bool = True):
    """A space from its wire form (protocol.ts `SpaceJson`)."""
    kind = spec["kind"]
    gym = _gym_spaces if use_gymnasium else None
    if kind == "discrete":
        return gym.Discrete(spec["n"]) if gym else Discrete(spec["n"])
    if kind == "multi-discrete":
        return gym.MultiDiscrete(np.array(spec["nvec"], dtype=np.int64)) if gym else MultiDiscrete(spec["nvec"])
    if kind == "box":
        low, high = _bounds(spec["low"]), _bounds(spec["high"])
        return gym.Box(low=low.astype(np.float32), high=high.astype(np.float32), dtype=np.float32) if gym else Box(low, high)
    raise ValueError(f"unknown space kind {kind!r} from the server: upgrade the client")


def to_value(spec: dict, row: list):
    """An observation row from the wire as the space's own type (int, int64 array or float32 array)."""
    kind = spec["kind"]
    if kind == "discrete":
        return int(row[0])
    if kind == "multi-discrete":
        return np.array(row, dtype=np.int64)
    return np.array(row, dtype=np.float32)


def to_wire(spec: dict, action) -> object:
    """An action as JSON: an int for discrete spaces, a list of numbers otherwise."""
    if spec["kind"] == "discrete":
        a = np.asarray(action)
        return int(a.reshape(-1)[0]) if a.shape else int(a)
    return np.asarray(action, dtype=np.float64).reshape(-1).tolist()
