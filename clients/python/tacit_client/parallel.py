"""`TacitParallelEnv`: one copy of a served tacit world behind PettingZoo's Parallel API.

    from tacit_client import TacitParallelEnv, launch
    with launch() as server:
        env = TacitParallelEnv("market-v1", address=(server.host, server.port))
        obs, infos = env.reset(seed=42)
        while env.agents:
            obs, rewards, terminations, truncations, infos = env.step(
                {a: env.action_space(a).sample() for a in env.agents})

Rewards are the shaped rewards of each agent's reward scheme (default `local`: the sum of its
components); `infos[agent]` holds the raw `components`, the step's team `kpis` and world `events`.
"""
from __future__ import annotations

from typing import Any

from .connection import Connection
from .spaces import make_space, to_value, to_wire


class TacitParallelEnv:
    """A PettingZoo ParallelEnv served by `tacit serve` (one world copy, reset by the caller)."""

    metadata = {"name": "tacit", "render_modes": [], "is_parallelizable": True}
    render_mode = None

    def __init__(
        self,
        env_id: str,
        params: dict | None = None,
        *,
        agents: list | None = None,
        faults: dict | None = None,
        address: tuple | None = None,
        connection: Connection | None = None,
        use_gymnasium: bool = True,
    ):
        """Serve `env_id` with `params`; `agents` are reward entries ({id|role, reward: {scheme, params}}),
        `faults` an experiment's faults section. Give `address=(host, port)` or an open `connection`."""
        if connection is None:
            if address is None:
                raise ValueError("give address=(host, port) of a running `tacit serve`, or connection=")
            connection = Connection(*address)
            self._owns_connection = True
        else:
            self._owns_connection = False
        self._conn = connection
        make: dict[str, Any] = {"env": {"id": env_id, "params": params or {}}, "numEnvs": 1, "autoreset": "disabled"}
        if agents is not None:
            make["agents"] = agents
        if faults is not None:
            make["faults"] = faults
        self.spec_info = self._conn.request("make", **make)
        self.possible_agents = [a["id"] for a in self.spec_info["agents"]]
        self.agents: list = []
        self.roles = {a["id"]: a["role"] for a in self.spec_info["agents"]}
        self._obs_specs = self.spec_info["observationSpaces"]
        self._act_specs = self.spec_info["actionSpaces"]
        self._obs_spaces = {a: make_space(self._obs_specs[a], use_gymnasium) for a in self.possible_agents}
        self._act_spaces = {a: make_space(self._act_specs[a], use_gymnasium) for a in self.possible_agents}
        self._components = self.spec_info["rewardComponents"]
        self._kpi_names = [k["name"] for k in self.spec_info["kpis"]]
        self.metadata = {**self.metadata, "name": env_id}

    @property
    def unwrapped(self) -> "TacitParallelEnv":
        return self

    @property
    def num_agents(self) -> int:
        return len(self.agents)

    @property
    def max_num_agents(self) -> int:
        return len(self.possible_agents)

    def observation_space(self, agent):
        """The agent's observation space (the same object every call)."""
        return self._obs_spaces[agent]

    def action_space(self, agent):
        """The agent's action space (the same object every call)."""
        return self._act_spaces[agent]

    def state(self):
        raise NotImplementedError("tacit serves observations, not a global state array")

    def reset(self, seed: int | None = None, options: dict | None = None):
        """Start an episode; `seed` as in the TypeScript engine (None: the next episode of the current stream).
        `options` is accepted for API compatibility and currently unused."""
        r = self._conn.request("reset", seed=None if seed is None else int(seed), options=options or {})
        self.agents = [a for a in self.possible_agents if r["alive"][a][0]]
        obs = {a: to_value(self._obs_specs[a], r["observations"][a][0]) for a in self.agents}
        return obs, {a: {} for a in self.agents}

    def step(self, actions: dict):
        """One joint action (one per live agent) → observations, rewards, terminations, truncations, infos."""
        acting = list(self.agents)
        wire = {a: [to_wire(self._act_specs[a], actions[a])] for a in actions}
        r = self._conn.request("step", actions=wire)
        kpis = dict(zip(self._kpi_names, r["kpis"][0]))
        events = [e for e in r["events"] if e["copy"] == 0]
        obs, rewards, terms, truncs, infos = {}, {}, {}, {}, {}
        for a in acting:
            obs[a] = to_value(self._obs_specs[a], r["observations"][a][0])
            rewards[a] = float(r["rewards"][a][0])
            terms[a] = bool(r["terminations"][a][0])
            truncs[a] = bool(r["truncations"][a][0])
            infos[a] = {"components": dict(zip(self._components[a], r["components"][a][0])), "kpis": kpis, "events": events}
        self.agents = [a for a in acting if r["alive"][a][0]]
        return obs, rewards, terms, truncs, infos

    def ledger(self) -> dict:
        """The served run's dual ledger so far: mean raw and shaped rewards, KPIs, fault and reliability figures."""
        return self._conn.request("ledger")

    def render(self):
        return None

    def close(self) -> None:
        """Drop the served world; closes the connection if this env opened it (from `address`)."""
        try:
            self._conn.request("close")
        except (OSError, ConnectionError):
            pass
        if self._owns_connection:
            self._conn.close()
