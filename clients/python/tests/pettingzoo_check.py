"""PettingZoo's own tests on every world a tacit server serves, plus recorded trajectories.

    python tests/pettingzoo_check.py --port PORT --out result.json [--worlds market-v1 ...]

For each world: `pettingzoo.test.parallel_api_test` (1000 cycles) and `parallel_seed_test`, with
every warning PettingZoo raises recorded (a warning is an API deviation); then a seeded episode
of random actions through TacitParallelEnv and a batched one through TacitVectorEnv, recorded so
the TypeScript side (test/serve/pettingzoo.test.ts) can replay the same seeds and actions in its
own engine and demand equal bits. Exits 0 after writing the JSON; failures are data in it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from pettingzoo.test import parallel_api_test, parallel_seed_test  # noqa: E402

from tacit_client import Connection, TacitParallelEnv, TacitVectorEnv  # noqa: E402
from tacit_client.spaces import to_wire  # noqa: E402


def run_check(fn) -> dict:
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn()
            status = "passed"
            error = None
        except Exception:  # noqa: BLE001 - the failure is reported as data
            status = "failed"
            error = traceback.format_exc()
    return {"status": status, "error": error, "warnings": [str(w.message) for w in caught], "seconds": time.perf_counter() - t0}


def parallel_trajectory(address, world: str, params: dict, seed: int, steps: int) -> dict:
    env = TacitParallelEnv(world, params, address=address)
    obs, _ = env.reset(seed=seed)
    for i, a in enumerate(env.possible_agents):
        env.action_space(a).seed(100 + i)
    record = {"seed": seed, "first": {a: np.asarray(o).tolist() for a, o in obs.items()}, "steps": [], "outside": []}
    for t in range(steps):
        if not env.agents:
            break
        actions = {a: env.action_space(a).sample() for a in env.agents}
        obs, rewards, terms, truncs, infos = env.step(actions)
        for a, o in obs.items():
            if not env.observation_space(a).contains(o):
                record["outside"].append({"step": t, "agent": a, "obs": np.asarray(o).tolist()})
        record["steps"].append({
            "actions": {a: to_wire(env.spec_info["actionSpaces"][a], v) for a, v in actions.items()},
            "obs": {a: np.asarray(o).tolist() for a, o in obs.items()},
            "rewards": rewards,
            "components": {a: infos[a]["components"] for a in infos},
            "terminations": terms,
            "truncations": truncs,
            "agents": list(env.agents),
        })
    env.close()
    return record


def vector_trajectory(address, world: str, params: dict, num_envs: int, seed: int, steps: int) -> dict:
    env = TacitVectorEnv(world, num_envs, params, address=address)
    obs, _ = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    record = {"seed": seed, "numEnvs": num_envs, "first": {a: o.tolist() for a, o in obs.items()}, "steps": []}
    for _ in range(steps):
        actions = {}
        for a in env.possible_agents:
            space = env.action_space(a)
            actions[a] = [int(rng.integers(space.n)) for _ in range(num_envs)] if hasattr(space, "n") else [space.sample().tolist() for _ in range(num_envs)]
        obs, rewards, terms, truncs, infos = env.step(actions)
        record["steps"].append({
            "actions": actions,
            "obs": {a: o.tolist() for a, o in obs.items()},
            "rewards": {a: r.tolist() for a, r in rewards.items()},
            "terminations": {a: t.tolist() for a, t in terms.items()},
            "truncations": {a: t.tolist() for a, t in truncs.items()},
            "ended": infos["ended"].tolist(),
            "final": {a: {str(b): np.asarray(o).tolist() for b, o in f.items()} for a, f in infos["final_observation"].items()},
        })
    env.close()
    return record


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--worlds", nargs="*")
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--trajectory-params", default="{}", help="JSON: world id -> params of the recorded trajectories (short episodes)")
    args = parser.parse_args()
    address = (args.host, args.port)
    conn = Connection(*address)
    hello = conn.hello
    conn.close()
    result = {"hello": hello, "worlds": {}}
    traj_params = json.loads(args.trajectory_params)
    for world in args.worlds or hello["worlds"]:
        entry: dict = {}
        def api_test() -> None:
            env = TacitParallelEnv(world, address=address)
            try:
                parallel_api_test(env, num_cycles=args.cycles)
            finally:
                env.close()

        entry["api"] = run_check(api_test)

        def api_test_plain_spaces() -> None:
            env = TacitParallelEnv(world, address=address, use_gymnasium=False)
            try:
                assert not type(env.action_space(env.possible_agents[0])).__module__.startswith("gymnasium")
                parallel_api_test(env, num_cycles=args.cycles)
            finally:
                env.close()

        entry["apiPlainSpaces"] = run_check(api_test_plain_spaces)
        entry["seed"] = run_check(lambda: parallel_seed_test(lambda: TacitParallelEnv(world, address=address)))
        entry["trajectory"] = parallel_trajectory(address, world, traj_params.get(world, {}), seed=7, steps=60)
        entry["vector"] = vector_trajectory(address, world, traj_params.get(world, {}), num_envs=3, seed=11, steps=60)
        result["worlds"][world] = entry
        print(f"{world}: api {entry['api']['status']} ({entry['api']['seconds']:.2f} s), seed {entry['seed']['status']} ({entry['seed']['seconds']:.2f} s)", flush=True)
    with open(args.out, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
