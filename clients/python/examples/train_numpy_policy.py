"""Train a tiny numpy policy through the tacit client: independent REINFORCE with a linear softmax
policy per agent on coordination-v1 (both agents must pick the target they are shown; scoring
needs both), 16 world copies stepped together through TacitVectorEnv.

    node bin/tacit.mjs serve &                       # prints {"listening": {"port": ...}}
    python clients/python/examples/train_numpy_policy.py --port PORT
    python clients/python/examples/train_numpy_policy.py --launch   # starts and stops a server itself

Prints the success rate (both hit the target) of each iteration's batch; uniform play scores
1/9 ≈ 0.11 and a trained pair approaches 1. Seeded: the same arguments give the same numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tacit_client import TacitVectorEnv, launch  # noqa: E402


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(address, iterations: int, num_envs: int, horizon: int, lr: float, seed: int) -> list:
    env = TacitVectorEnv("coordination-v1", num_envs, {"episodeLength": horizon}, address=address)
    rng = np.random.default_rng(seed)
    n_obs = env.observation_space("left").shape[0]
    n_act = env.action_space("left").n
    weights = {a: np.zeros((n_obs, n_act)) for a in env.possible_agents}
    obs, _ = env.reset(seed=seed)
    history = []
    for it in range(iterations):
        grads = {a: np.zeros_like(w) for a, w in weights.items()}
        hits = 0.0
        for _ in range(horizon):
            actions, probs = {}, {}
            for a in env.possible_agents:
                p = softmax(obs[a] @ weights[a])
                choice = (rng.random((num_envs, 1)) > np.cumsum(p, axis=1)).sum(axis=1)
                actions[a], probs[a] = np.minimum(choice, n_act - 1), p
            prev = obs
            obs, rewards, _, _, infos = env.step({a: actions[a].tolist() for a in env.possible_agents})
            hits += float(infos["kpis"]["successRate"].mean())
            for a in env.possible_agents:
                # grad of log softmax: x (onehot(action) - p), weighted by the reward (baseline 0).
                onehot = np.eye(n_act)[actions[a]]
                grads[a] += prev[a].T @ ((onehot - probs[a]) * rewards[a][:, None])
        for a in env.possible_agents:
            weights[a] += lr * grads[a] / (num_envs * horizon)
        history.append(hits / horizon)
        print(json.dumps({"iteration": it, "successRate": round(history[-1], 4)}), flush=True)
    env.close()
    return history


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--launch", action="store_true", help="start `tacit serve` from this checkout and stop it at the end")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--num-envs", type=int, default=16)
    parser.add_argument("--horizon", type=int, default=20)
    parser.add_argument("--lr", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.launch:
        with launch() as server:
            train((server.host, server.port), args.iterations, args.num_envs, args.horizon, args.lr, args.seed)
    elif args.port:
        train((args.host, args.port), args.iterations, args.num_envs, args.horizon, args.lr, args.seed)
    else:
        parser.error("give --port of a running `tacit serve`, or --launch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
