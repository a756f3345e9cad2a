#!/usr/bin/env python3
"""
PyTorch CPU benchmark of the PPO update, written the way CleanRL's ppo.py
(vwxyzjn/cleanrl, cleanrl/ppo.py) writes it: one Agent module holding a
separate actor and critic MLP (orthogonal init), a Categorical policy, one
Adam optimiser over all parameters (lr 2.5e-4, eps 1e-5), CleanRL's rollout
storage tensors, GAE, advantage normalisation per minibatch, clipped
surrogate + clipped value loss + entropy bonus, grad-norm clipping (0.5).
Own code; nothing copied.

It is a peer benchmark for tacit's PPO: same network, same loss, same
batch shapes, so the TypeScript side can be timed on identical work.
This copy is the anchor ../shared/anchors/ppo-torch/ppo_bench.py with two
additions for tacit's `npm run bench:vs-peers`: per-iteration process CPU time
(samples_per_cpu_s, as time.process_time counts it: all threads of this process)
and --iteration-only (figure (c) only).

Network: actor and critic, each Linear(16,64)-tanh-Linear(64,64)-tanh-Linear(64,out),
out = 8 logits (actor) or 1 value (critic): 5,768 + 5,313 = 11,081 parameters.

Figures, each at torch.set_num_threads(1) and at 2 threads:
  (a) forward_ms[B]   actor forward (logits only, under no_grad), batch B in {64, 1024}
  (b) update_ms[B]    one PPO minibatch update of size B in {64, 1024}: forward of
                      actor+critic, log-prob/entropy, losses, zero_grad, backward,
                      clip_grad_norm_, Adam step
  (c) iteration       a full PPO iteration: rollout of 16 envs x 128 steps = 2048
                      samples from a trivial random vector env (actor+critic forward
                      and a Categorical sample per step), GAE, then 4 epochs of
                      minibatch-512 updates (16 updates); reported as samples/s
                      = 2048 / median iteration wall time over 8 iterations after
                      1 warm-up (samples_per_s_mean: over their total), with the
                      rollout/update split.

Usage (run from the repository root). Debian's python3-torch installs for the
system interpreter, not for a pyenv python that may be first on PATH:
  apt-get install -y python3-torch
  /usr/bin/python3 anchors/ppo-torch/ppo_bench.py            # prints one JSON line
  /usr/bin/python3 anchors/ppo-torch/ppo_bench.py --quick    # a fast smoke run
The JSON's "blas" field names the BLAS in use: python3-torch alone gives
Debian's reference BLAS; `apt-get install -y libopenblas0-pthread` (or
libopenblas0-openmp) makes OpenBLAS the libblas.so.3 alternative. See README.md.
"""

import argparse
import ctypes
import json
import os
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.distributions.categorical import Categorical

OBS_DIM = 16
N_ACTIONS = 8


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=str, default="1,2", help="comma-separated torch thread counts")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--block-seconds", type=float, default=0.25,
                   help="target wall time of one timing block for (a) and (b)")
    p.add_argument("--blocks", type=int, default=7, help="timing blocks for (a) and (b); the median block is reported")
    p.add_argument("--iterations", type=int, default=8, help="measured PPO iterations for (c), after 1 warm-up")
    p.add_argument("--quick", action="store_true", help="short run: 3 blocks of 0.05 s, 2 iterations")
    p.add_argument("--iteration-only", action="store_true", help="measure only (c), the full PPO iteration")
    # PPO hyper-parameters: CleanRL ppo.py defaults except the batch shape asked for here
    p.add_argument("--num-envs", type=int, default=16)
    p.add_argument("--num-steps", type=int, default=128)
    p.add_argument("--minibatch-size", type=int, default=512)
    p.add_argument("--update-epochs", type=int, default=4)
    p.add_argument("--learning-rate", type=float, default=2.5e-4)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--gae-lambda", type=float, default=0.95)
    p.add_argument("--clip-coef", type=float, default=0.2)
    p.add_argument("--ent-coef", type=float, default=0.01)
    p.add_argument("--vf-coef", type=float, default=0.5)
    p.add_argument("--max-grad-norm", type=float, default=0.5)
    args = p.parse_args()
    if args.quick:
        args.block_seconds, args.blocks, args.iterations = 0.05, 3, 2
    args.batch_size = args.num_envs * args.num_steps
    return args


# ----------------------------------------------------------------------------
# Agent: the CleanRL structure (separate actor and critic, orthogonal init)
# ----------------------------------------------------------------------------

def layer_init(layer: nn.Linear, std: float = np.sqrt(2), bias_const: float = 0.0) -> nn.Linear:
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_dim: int, n_actions: int):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 1), std=1.0),
        )
        self.actor = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, n_actions), std=0.01),
        )

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        logits = self.actor(x)
        probs = Categorical(logits=logits)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


# ----------------------------------------------------------------------------
# Trivial vectorised random environment (numpy, like a gym VectorEnv)
# ----------------------------------------------------------------------------

class RandomVecEnv:
    """num_envs copies; obs ~ N(0,1)^16 (float32), reward ~ U[0,1), never done.
    The action is accepted and ignored. Cost per step is a few microseconds, so
    the iteration figure measures the learner, not the environment."""

    def __init__(self, num_envs: int, obs_dim: int, seed: int):
        self.num_envs, self.obs_dim = num_envs, obs_dim
        self.rng = np.random.default_rng(seed)

    def reset(self):
        return self.rng.standard_normal((self.num_envs, self.obs_dim), dtype=np.float32)

    def step(self, action):
        assert action.shape == (self.num_envs,)
        obs = self.rng.standard_normal((self.num_envs, self.obs_dim), dtype=np.float32)
        reward = self.rng.random(self.num_envs, dtype=np.float32)
        done = np.zeros(self.num_envs, dtype=np.bool_)
        return obs, reward, done, {}


# ----------------------------------------------------------------------------
# The PPO minibatch update, as in CleanRL's inner loop
# ----------------------------------------------------------------------------

def ppo_update(agent, optimizer, args, mb_obs, mb_actions, mb_logprobs, mb_advantages, mb_returns, mb_values,
               clipfracs):
    _, newlogprob, entropy, newvalue = agent.get_action_and_value(mb_obs, mb_actions.long())
    logratio = newlogprob - mb_logprobs
    ratio = logratio.exp()

    with torch.no_grad():
        approx_kl = ((ratio - 1) - logratio).mean()
        clipfracs.append(((ratio - 1.0).abs() > args.clip_coef).float().mean().item())

    mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)

    # policy loss (clipped surrogate)
    pg_loss1 = -mb_advantages * ratio
    pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - args.clip_coef, 1 + args.clip_coef)
    pg_loss = torch.max(pg_loss1, pg_loss2).mean()

    # value loss (clipped, CleanRL default clip_vloss=True)
    newvalue = newvalue.view(-1)
    v_loss_unclipped = (newvalue - mb_returns) ** 2
    v_clipped = mb_values + torch.clamp(newvalue - mb_values, -args.clip_coef, args.clip_coef)
    v_loss_clipped = (v_clipped - mb_returns) ** 2
    v_loss = 0.5 * torch.max(v_loss_unclipped, v_loss_clipped).mean()

    entropy_loss = entropy.mean()
    loss = pg_loss - args.ent_coef * entropy_loss + v_loss * args.vf_coef

    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
    optimizer.step()
    return loss, approx_kl


def ppo_iteration(agent, optimizer, envs, args, storage, next_obs, next_done, frac):
    """One CleanRL PPO iteration: rollout, GAE, update epochs. Returns the new
    (next_obs, next_done) and the wall time of the rollout and update phases."""
    obs, actions, logprobs, rewards, dones, values = storage
    optimizer.param_groups[0]["lr"] = frac * args.learning_rate  # CleanRL anneal_lr

    t0 = time.perf_counter()
    for step in range(args.num_steps):
        obs[step] = next_obs
        dones[step] = next_done
        with torch.no_grad():
            action, logprob, _, value = agent.get_action_and_value(next_obs)
            values[step] = value.flatten()
        actions[step] = action
        logprobs[step] = logprob
        next_obs_np, reward, done, _info = envs.step(action.cpu().numpy())
        rewards[step] = torch.tensor(reward).view(-1)
        next_obs, next_done = torch.Tensor(next_obs_np), torch.Tensor(done)

    # bootstrap value and GAE (CleanRL's backwards loop)
    with torch.no_grad():
        next_value = agent.get_value(next_obs).reshape(1, -1)
        advantages = torch.zeros_like(rewards)
        lastgaelam = 0
        for t in reversed(range(args.num_steps)):
            if t == args.num_steps - 1:
                nextnonterminal = 1.0 - next_done
                nextvalues = next_value
            else:
                nextnonterminal = 1.0 - dones[t + 1]
                nextvalues = values[t + 1]
            delta = rewards[t] + args.gamma * nextvalues * nextnonterminal - values[t]
            advantages[t] = lastgaelam = delta + args.gamma * args.gae_lambda * nextnonterminal * lastgaelam
        returns = advantages + values
    t1 = time.perf_counter()

    b_obs = obs.reshape((-1, OBS_DIM))
    b_logprobs = logprobs.reshape(-1)
    b_actions = actions.reshape(-1)
    b_advantages = advantages.reshape(-1)
    b_returns = returns.reshape(-1)
    b_values = values.reshape(-1)

    b_inds = np.arange(args.batch_size)
    clipfracs = []
    for _epoch in range(args.update_epochs):
        np.random.shuffle(b_inds)
        for start in range(0, args.batch_size, args.minibatch_size):
            mb_inds = b_inds[start:start + args.minibatch_size]
            ppo_update(agent, optimizer, args, b_obs[mb_inds], b_actions[mb_inds], b_logprobs[mb_inds],
                       b_advantages[mb_inds], b_returns[mb_inds], b_values[mb_inds], clipfracs)
    t2 = time.perf_counter()
    return next_obs, next_done, t1 - t0, t2 - t1


# ----------------------------------------------------------------------------
# Timing helpers
# ----------------------------------------------------------------------------

def time_blocks(fn, block_seconds: float, blocks: int) -> float:
    """ms per call: calibrate a call count filling about block_seconds, run
    `blocks` blocks of it, report the median block's mean."""
    for _ in range(5):
        fn()  # warm-up
    n, elapsed = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - t0
        if elapsed >= block_seconds / 4 or n >= 1 << 20:
            break
        n *= 2
    n = max(1, int(n * block_seconds / max(elapsed, 1e-9)))
    per_call = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        per_call.append((time.perf_counter() - t0) / n * 1e3)
    return statistics.median(per_call)


def mapped_libraries(word: str):
    """Paths of the shared objects mapped into this process whose name contains word."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if word in os.path.basename(path):
                    found.add(path)
    except OSError:
        pass
    return sorted(found)


def blas_library() -> str:
    """Which BLAS this process mapped (torch's CPU matmul calls sgemm from
    libblas.so.3). Debian's default is the reference BLAS (libblas3);
    installing libopenblas0-pthread or libopenblas0-openmp switches the
    libblas.so.3 alternative to OpenBLAS. Reported as folder/file name."""
    names = [os.path.join(os.path.basename(os.path.dirname(p)), os.path.basename(p)) for p in mapped_libraries("blas")]
    return ",".join(names) or "none"


def set_blas_threads(n: int):
    """OpenBLAS sizes its own thread pool from the core count (the pthread build
    ignores torch.set_num_threads); pin it to the same count so '1 thread' means
    one. Touches only an OpenBLAS this process already mapped. Returns OpenBLAS's
    thread count afterwards, or None when the BLAS in use is not OpenBLAS."""
    for path in mapped_libraries("openblas"):
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_set_num_threads"):
            lib.openblas_set_num_threads(ctypes.c_int(n))
            return int(lib.openblas_get_num_threads())
    return None


# ----------------------------------------------------------------------------
# Benchmarks
# ----------------------------------------------------------------------------

def bench_forward(agent, batch, args):
    x = torch.randn(batch, OBS_DIM)

    def fn():
        with torch.no_grad():
            agent.actor(x)
    return time_blocks(fn, args.block_seconds, args.blocks)


def bench_update(agent, optimizer, batch, args):
    # a fixed synthetic minibatch, shaped like CleanRL's flattened rollout storage
    g = torch.Generator().manual_seed(args.seed + batch)
    mb_obs = torch.randn(batch, OBS_DIM, generator=g)
    with torch.no_grad():
        mb_actions, mb_logprobs, _, v = agent.get_action_and_value(mb_obs)
    mb_actions = mb_actions.float()
    mb_values = v.view(-1)
    mb_advantages = torch.randn(batch, generator=g)
    mb_returns = mb_values + mb_advantages
    clipfracs = []

    def fn():
        loss, _ = ppo_update(agent, optimizer, args, mb_obs, mb_actions, mb_logprobs, mb_advantages, mb_returns,
                             mb_values, clipfracs)
        if len(clipfracs) > 10000:
            clipfracs.clear()
        return loss
    ms = time_blocks(fn, args.block_seconds, args.blocks)
    assert torch.isfinite(fn()), "loss went non-finite during the timed updates"
    return ms


def bench_iteration(agent, optimizer, args):
    envs = RandomVecEnv(args.num_envs, OBS_DIM, args.seed)
    storage = (
        torch.zeros((args.num_steps, args.num_envs, OBS_DIM)),  # obs
        torch.zeros((args.num_steps, args.num_envs)),           # actions
        torch.zeros((args.num_steps, args.num_envs)),           # logprobs
        torch.zeros((args.num_steps, args.num_envs)),           # rewards
        torch.zeros((args.num_steps, args.num_envs)),           # dones
        torch.zeros((args.num_steps, args.num_envs)),           # values
    )
    next_obs = torch.Tensor(envs.reset())
    next_done = torch.zeros(args.num_envs)
    total = args.iterations + 1
    rollout_s, update_s, cpu_s = [], [], []
    for it in range(total):
        frac = 1.0 - it / total
        c0 = time.process_time()
        next_obs, next_done, r, u = ppo_iteration(agent, optimizer, envs, args, storage, next_obs, next_done, frac)
        c1 = time.process_time()
        if it > 0:  # iteration 0 is warm-up
            rollout_s.append(r)
            update_s.append(u)
            cpu_s.append(c1 - c0)
    iter_s = [r + u for r, u in zip(rollout_s, update_s)]
    return {
        "samples_per_s": round(args.batch_size / statistics.median(iter_s), 1),
        "samples_per_s_mean": round(args.batch_size * len(iter_s) / sum(iter_s), 1),
        "samples_per_cpu_s": round(args.batch_size / statistics.median(cpu_s), 1),
        "iteration_cpu_ms_median": round(statistics.median(cpu_s) * 1e3, 2),
        "iteration_ms_median": round(statistics.median(iter_s) * 1e3, 2),
        "rollout_ms_median": round(statistics.median(rollout_s) * 1e3, 2),
        "update_phase_ms_median": round(statistics.median(update_s) * 1e3, 2),
        "iterations": len(iter_s),
    }


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.randn(8, 8) @ torch.randn(8, 8)  # maps the BLAS library before set_blas_threads looks for it
    results = {}
    for n_threads in [int(s) for s in args.threads.split(",")]:
        torch.set_num_threads(n_threads)
        blas_threads = set_blas_threads(n_threads)
        agent = Agent(OBS_DIM, N_ACTIONS)
        optimizer = optim.Adam(agent.parameters(), lr=args.learning_rate, eps=1e-5)
        r = {"forward_ms": {}, "update_ms": {}}
        if not args.iteration_only:
            for b in (64, 1024):
                r["forward_ms"][str(b)] = round(bench_forward(agent, b, args), 4)
            for b in (64, 1024):
                r["update_ms"][str(b)] = round(bench_update(agent, optimizer, b, args), 4)
        r["iteration"] = bench_iteration(agent, optimizer, args)
        r["torch_threads"] = torch.get_num_threads()
        r["blas_threads"] = blas_threads
        results[f"threads_{n_threads}"] = r
    n_params = sum(p.numel() for p in Agent(OBS_DIM, N_ACTIONS).parameters())
    print(json.dumps({
        "bench": "ppo-torch-cpu",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "blas": blas_library(),
        "cpu_count": os.cpu_count(),
        "params": n_params,
        "shape": {"obs": OBS_DIM, "actions": N_ACTIONS, "hidden": [64, 64], "num_envs": args.num_envs,
                  "num_steps": args.num_steps, "batch": args.batch_size, "minibatch": args.minibatch_size,
                  "epochs": args.update_epochs},
        "results": results,
    }))


if __name__ == "__main__":
    main()
