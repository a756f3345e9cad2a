#!/usr/bin/env python3
"""The Calvano et al. (AER 2020) learning loop in plain Python: the speed peer of tacit's fused
market kernel (envs/market/fast-session.ts), written the way a careful researcher writes it.

Two firms, memory one (the state is last period's joint action), 15 prices, tabular Q-learning
with the paper's alpha, beta and delta. Each period: per firm, explore with probability
eps_t = exp(-beta t) (one uniform, and a second one for the random price) or play the greedy
price of the state; then update Q(s, a) toward profit + delta * max Q(s', .), keeping each state's
greedy price and row maximum current (lowest index wins ties; a full row scan only when the greedy
entry's value drops), exactly as tacit does. eps_t is computed as tacit does too: one math.exp per
1024 periods times a precomputed within-block factor.

Same work, not the same numbers: Python's Mersenne Twister replaces tacit's sfc32 streams. The
profit table and the initial Q rows come from tacit (bench/vs-peers/calvano.ts writes them), so
both loops learn the same game. Only the loop is timed, with time.process_time (CPU seconds).

    python3 bench/vs-peers/calvano_ref.py GAME.json PERIODS SEED [cached|textbook]

Two variants, both plain Python lists: `cached` (default; the same algorithm as tacit's kernel,
above) and `textbook` (argmax and max over the row every period, see session_textbook).

Prints one JSON line: periods, cpu seconds, periods per CPU second, and a checksum (the mean
greedy price index at the end) that shows the loop learned something.
"""
import json
import math
import random
import sys
import time


def session(game, periods, seed):
    m = game["m"]
    alpha, delta, beta = game["alpha"], game["delta"], game["beta"]
    profit = game["profit"]  # profit[2 * j + i] for joint action j = a0 * m + a1
    p0 = profit[0::2]
    p1 = profit[1::2]
    block = 1024
    factors = [math.exp(-beta * r) for r in range(block)]
    n_states = m * m
    q = []
    greedy = []
    top = []
    for i in range(2):
        row = game["initialRow"][i]
        best = max(range(m), key=lambda a: (row[a], -a))
        q.append([list(row) for _ in range(n_states)])
        greedy.append([best] * n_states)
        top.append([row[best]] * n_states)
    q0, q1 = q
    g0, g1 = greedy
    t0, t1 = top
    rnd = random.Random(seed)
    uniform = rnd.random
    s = int(uniform() * n_states)
    rate = 1.0
    u0 = u1 = 0  # periods since each firm's greedy strategy last changed

    def update(Q, G, T, s, a, target):
        # Returns 1 when the greedy price of s changed (the convergence counters need it).
        row = Q[s]
        new = row[a] + alpha * (target - row[a])
        row[a] = new
        g = G[s]
        best = T[s]
        if new > best or (new == best and a < g):
            T[s] = new
            if a != g:
                G[s] = a
                return 1
        elif a == g and new < best:
            best = max(row)
            T[s] = best
            arg = row.index(best)
            if arg != g:
                G[s] = arg
                return 1
        return 0

    for t in range(periods):
        r = t & (block - 1)
        if r == 0:
            rate = math.exp(-beta * t)
        eps = rate * factors[r]
        a0 = int(uniform() * m) if uniform() < eps else g0[s]
        a1 = int(uniform() * m) if uniform() < eps else g1[s]
        j = a0 * m + a1
        u0 = 0 if update(q0, g0, t0, s, a0, p0[j] + delta * t0[j]) else u0 + 1
        u1 = 0 if update(q1, g1, t1, s, a1, p1[j] + delta * t1[j]) else u1 + 1
        s = j
    return (sum(g0) + sum(g1)) / (2 * n_states), min(u0, u1)


def session_textbook(game, periods, seed):
    """The loop as textbooks and most replications write it: no cached maxima, the greedy price as
    the first argmax of Q[s] and the target's max Q[s'] computed every period (plain lists)."""
    m = game["m"]
    alpha, delta, beta = game["alpha"], game["delta"], game["beta"]
    profit = game["profit"]
    n_states = m * m
    q = [[list(game["initialRow"][i]) for _ in range(n_states)] for i in range(2)]
    uniform = random.Random(seed).random
    s = int(uniform() * n_states)
    unchanged = [0, 0]
    for t in range(periods):
        eps = math.exp(-beta * t)
        acts = []
        for i in range(2):
            row = q[i][s]
            acts.append(int(uniform() * m) if uniform() < eps else row.index(max(row)))
        j = acts[0] * m + acts[1]
        for i in range(2):
            row = q[i][s]
            g = row.index(max(row))
            a = acts[i]
            row[a] += alpha * (profit[2 * j + i] + delta * max(q[i][j]) - row[a])
            unchanged[i] = 0 if row.index(max(row)) != g else unchanged[i] + 1
        s = j
    greedy = [[row.index(max(row)) for row in q[i]] for i in range(2)]
    return (sum(greedy[0]) + sum(greedy[1])) / (2 * n_states), min(unchanged)


def main():
    with open(sys.argv[1]) as fh:
        game = json.load(fh)
    periods = int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    variant = sys.argv[4] if len(sys.argv) > 4 else "cached"
    run = {"cached": session, "textbook": session_textbook}[variant]
    c0 = time.process_time()
    check, unchanged = run(game, periods, seed)
    cpu = time.process_time() - c0
    print(json.dumps({"peer": f"calvano-python-{variant}", "periods": periods, "cpuSeconds": round(cpu, 4),
                      "periodsPerCpuSecond": round(periods / cpu), "meanGreedyIndex": round(check, 3), "periodsUnchanged": unchanged}))


if __name__ == "__main__":
    main()
