#!/usr/bin/env python3
"""CPU-time runner for the numpy beer-game peer (anchors/beergame-py/beergame_peer.py, its
BeerGameVec class unchanged): steps `copies` copies for `episodes` episodes of 100 periods with
random orders (the peer's own vector_play loop) or base-stock orders computed from the
observation, and prints agent-steps per CPU second (time.process_time, the loop only).

    python3 bench/vs-peers/beer_peer.py PEER_DIR random|base-stock [copies] [episodes] [level]

Base-stock: every stage orders max(0, level - inventory position), capped at the largest order
16, where inventory position = inventory level + supply line (observation slots 0 and 3), the
rule tacit's base-stock policy applies; one numpy expression per step over all copies.
"""
import json
import sys
import time

import numpy as np

sys.path.insert(0, sys.argv[1])
from beergame_peer import BeerGameVec  # noqa: E402

policy = sys.argv[2]
copies = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
episodes = int(sys.argv[4]) if len(sys.argv) > 4 else 20
level = float(sys.argv[5]) if len(sys.argv) > 5 else 24.0

venv = BeerGameVec(copies)
act_rng = np.random.default_rng(2)
venv.reset(seed=1)
T = venv.episode_length
team = 0.0
c0 = time.process_time()
for _ in range(episodes):
    obs = venv.reset()
    team_reward = np.zeros(copies)
    for t in range(T):
        if policy == "random":
            orders = act_rng.integers(0, 17, size=(copies, 4))
        else:
            orders = np.clip(level - (obs[:, :, 0] + obs[:, :, 3]), 0, 16).astype(np.int64)
        obs, rewards, terminated, truncated = venv.step(orders)
        team_reward += rewards.sum(axis=1)
    team += float(team_reward.mean()) / T
cpu = time.process_time() - c0
steps = episodes * T * copies * 4
print(json.dumps({"peer": "beergame-numpy", "policy": policy, "copies": copies, "agentSteps": steps, "cpuSeconds": round(cpu, 4),
                  "agentStepsPerCpuSecond": round(steps / cpu), "teamCostPerPeriod": round(-team / episodes, 3)}))
