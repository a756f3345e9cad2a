"""A plain numpy beer game, the yardstick the issue quotes (~13 M agent-steps/s on an idle core).

Same dynamics as envs/beer-game (classic params: demand 4 -> 8 in period 5, order leads
[2, 2, 2, 1], shipping leads 2, 12 on hand, pipes of 4, episodes of 36, random orders 0..40),
vectorised over copies: per step it places orders, receives, ships, costs and writes the
float32 observations, resetting all copies every 36 periods. Run it next to bench/supply.ts to
compare both on the same machine at the same moment:

    python3 bench/beer_numpy.py [copies] [steps]

Prints JSON: agent-steps per wall second and per CPU second.
"""
import json
import sys
import time

import numpy as np

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
S, T = 4, 36
LO = np.array([2, 2, 2, 1])
LS = np.array([2, 2, 2, 2])
H, B = 0.5, 1.0
rng = np.random.default_rng(0)


def reset():
    on_hand = np.full((N, S), 12.0)
    backlog = np.zeros((N, S))
    on_order = np.tile(4.0 * (LO + LS), (N, 1)).astype(float)
    ship = [np.full((N, LS[i]), 4.0) for i in range(S)]
    orders = [np.full((N, LO[i]), 4.0) for i in range(S)]
    return on_hand, backlog, on_order, ship, orders


on_hand, backlog, on_order, ship, orders = reset()
obs = np.zeros((S, N, 8), dtype=np.float32)
t = 0
c0, w0 = time.process_time(), time.perf_counter()
for step in range(STEPS):
    a = rng.integers(0, 41, size=(N, S)).astype(float)
    p = t + 1
    for i in range(S):
        orders[i][:, t % LO[i]] = a[:, i]
    on_order += a
    got = np.stack([ship[i][:, p % LS[i]] for i in range(S)], axis=1)
    on_hand += got
    on_order -= got
    demand = 4.0 if p < 5 else 8.0
    ship[3][:, p % LS[3]] = orders[3][:, p % LO[3]]
    orders[3][:, p % LO[3]] = 0
    incoming = np.empty((N, S))
    incoming[:, 0] = demand
    for i in range(1, S):
        incoming[:, i] = orders[i - 1][:, p % LO[i - 1]]
        orders[i - 1][:, p % LO[i - 1]] = 0
    due = backlog + incoming
    shipped = np.minimum(on_hand, due)
    on_hand -= shipped
    backlog = due - shipped
    for i in range(1, S):
        ship[i - 1][:, p % LS[i - 1]] = shipped[:, i]
    rewards = -(H * on_hand + B * backlog)
    team_cost = -rewards.sum(axis=1)
    ip = on_hand - backlog + on_order
    for k, v in enumerate((on_hand, backlog, on_order, ip, incoming, got, a)):
        obs[:, :, k] = (v / 10).T
    obs[:, :, 7] = p / T
    t = p
    if t >= T:
        on_hand, backlog, on_order, ship, orders = reset()
        t = 0
cpu, wall = time.process_time() - c0, time.perf_counter() - w0
steps = STEPS * N * S
print(json.dumps({"bench": "beer-numpy", "copies": N, "mAgentStepsPerWallSec": round(steps / wall / 1e6, 2), "mAgentStepsPerCpuSec": round(steps / cpu / 1e6, 2), "teamCostCheck": float(team_cost.mean())}))
