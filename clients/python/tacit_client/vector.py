"""`TacitVectorEnv`: `num_envs` copies of a served world stepped together, with same-step autoreset.

Observations, rewards and flags are numpy arrays per agent with the copies on the first axis:
obs[agent] has shape (num_envs, *observation shape); actions[agent] one action per copy. A copy
whose episode ended is reset within the same step: its row holds the new episode's first
observation and `infos["final_observation"][agent][copy]` the last one of the old episode
(Gymnasium's same-step autoreset).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .connection import Connection
from .spaces import make_space, to_value, to_wire


class TacitVectorEnv:
    """Batched copies of one served world (agent-keyed arrays, same-step autoreset)."""

    def __init__(
        self,
        env_id: str,
        num_envs: int,
        params: dict | None = None,
        *,
        agents: list | None = None,
        faults: dict | None = None,
        address: tuple | None = None,
        connection: Connection | None = None,
        use_gymnasium: bool = True,
    ):
        if connection is None:
            if address is None:
                raise ValueError("give address=(host, port) of a running `tacit serve`, or connection=")
            connection = Connection(*address)
            self._owns_connection = True
        else:
            self._owns_connection = False
        self._conn = connection
        self.num_envs = int(num_envs)
        make: dict[str, Any] = {"env": {"id": env_id, "params": params or {}}, "numEnvs": self.num_envs, "autoreset": "same-step"}
        if agents is not None:
            make["agents"] = agents
        if faults is not None:
            make["faults"] = faults
        self.spec_info = self._conn.request("make", **make)
        self.possible_agents = [a["id"] for a in self.spec_info["agents"]]
        self.agents = list(self.possible_agents)
        self._obs_specs = self.spec_info["observationSpaces"]
        self._act_specs = self.spec_info["actionSpaces"]
        self._obs_spaces = {a: make_space(self._obs_specs[a], use_gymnasium) for a in self.possible_agents}
        self._act_spaces = {a: make_space(self._act_specs[a], use_gymnasium) for a in self.possible_agents}
        self._components = self.spec_info["rewardComponents"]
        self._kpi_names = [k["name"] for k in self.spec_info["kpis"]]

    def observation_space(self, agent):
        """One copy's observation space of `agent` (the same object every call)."""
        return self._obs_spaces[agent]

    def action_space(self, agent):
        """One copy's action space of `agent` (the same object every call)."""
        return self._act_spaces[agent]

    def _stack(self, agent: str, rows: list) -> np.ndarray:
        return np.stack([np.asarray(to_value(self._obs_specs[agent], row)) for row in rows])

    def reset(self, seed: int | None = None, options: dict | None = None):
        r = self._conn.request("reset", seed=None if seed is None else int(seed), options=options or {})
        obs = {a: self._stack(a, r["observations"][a]) for a in self.possible_agents}
        return obs, {}

    def step(self, actions: dict):
        """`actions[agent]`: one action per copy (array of length num_envs, or (num_envs, size))."""
        wire = {a: [to_wire(self._act_specs[a], row) for row in actions[a]] for a in actions}
        r = self._conn.request("step", actions=wire)
        obs = {a: self._stack(a, r["observations"][a]) for a in self.possible_agents}
        rewards = {a: np.asarray(r["rewards"][a], dtype=np.float64) for a in self.possible_agents}
        terms = {a: np.asarray(r["terminations"][a], dtype=bool) for a in self.possible_agents}
        truncs = {a: np.asarray(r["truncations"][a], dtype=bool) for a in self.possible_agents}
        infos = {
            "components": {a: np.asarray(r["components"][a], dtype=np.float64) for a in self.possible_agents},
            "component_names": self._components,
            "kpis": {k: np.asarray([row[j] for row in r["kpis"]]) for j, k in enumerate(self._kpi_names)},
            "ended": np.asarray(r["ended"], dtype=np.int64),
            "final_observation": {a: {int(b): to_value(self._obs_specs[a], row) for b, row in r["finalObservations"][a].items()} for a in self.possible_agents},
            "events": r["events"],
        }
        return obs, rewards, terms, truncs, infos

    def ledger(self) -> dict:
        return self._conn.request("ledger")

    def close(self) -> None:
        try:
            self._conn.request("close")
        except (OSError, ConnectionError):
            pass
        if self._owns_connection:
            self._conn.close()
