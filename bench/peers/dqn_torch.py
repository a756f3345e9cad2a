#!/usr/bin/env python3
"""
PyTorch CPU benchmark of a DQN training iteration, written the way CleanRL's
dqn.py (vwxyzjn/cleanrl, cleanrl/dqn.py) writes DQN: a QNetwork MLP, a target
network, a uniform replay buffer, linear epsilon-greedy exploration, MSE TD
loss against max_a' Q_target(s', a'), Adam. Own code; nothing copied. Same
structure as the PPO peer (bench/peers/ppo_torch.py).

It is the peer of tacit's DQN (bench/neural-iteration.ts, `dqnIteration`):
same network, same loss, same shapes, so both sides do identical work.

Network: Linear(16,64)-ReLU-Linear(64,64)-ReLU-Linear(64,8), orthogonal init
(gain sqrt 2 hidden, 1 output), zero biases: 5,768 parameters; a target copy.

Figure: one iteration = 128 steps of 16 environment copies (2,048
transitions). Each step: Q forward on the 16 observations under no_grad,
epsilon-greedy actions, env.step, 16 replay writes, then one gradient step on a
minibatch of 128 sampled uniformly from the replay (target forward under
no_grad, Q forward, gather of the taken actions, MSE loss, zero_grad,
backward, clip_grad_norm_(10) as tacit's default, Adam step). The target
network is copied every 500 steps. Before timing, the replay is filled with
1,000 transitions (learning starts), then 1 warm-up iteration, then
--iterations timed ones; reported as samples/s = 2048 / median iteration wall
time, and samples_per_cpu_s from the median iteration's process CPU time.

Usage (Debian's python3-torch lives in the system interpreter):
  apt-get install -y python3-torch libopenblas0-pthread
  /usr/bin/python3 bench/peers/dqn_torch.py        # prints one JSON line
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
import torch.nn.functional as F
import torch.optim as optim

OBS_DIM = 16
N_ACTIONS = 8


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=1, help="torch (and OpenBLAS) threads")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--iterations", type=int, default=8, help="measured iterations, after 1 warm-up")
    # DQN hyper-parameters: CleanRL dqn.py names; values match tacit's dqnIteration
    p.add_argument("--num-envs", type=int, default=16)
    p.add_argument("--num-steps", type=int, default=128, help="environment steps per iteration")
    p.add_argument("--buffer-size", type=int, default=10000)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--learning-starts", type=int, default=1000, help="transitions stored before training")
    p.add_argument("--learning-rate", type=float, default=2.5e-4)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--target-network-frequency", type=int, default=500)
    p.add_argument("--start-e", type=float, default=1.0)
    p.add_argument("--end-e", type=float, default=0.05)
    p.add_argument("--exploration-steps", type=int, default=1000)
    p.add_argument("--max-grad-norm", type=float, default=10.0)
    return p.parse_args()


# ----------------------------------------------------------------------------
# Q-network (CleanRL's QNetwork with tacit's default 2x64 relu sizes)
# ----------------------------------------------------------------------------

def layer_init(layer: nn.Linear, std: float = np.sqrt(2)) -> nn.Linear:
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, 0.0)
    return layer


class QNetwork(nn.Module):
    def __init__(self, obs_dim: int, n_actions: int):
        super().__init__()
        self.network = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.ReLU(),
            layer_init(nn.Linear(64, 64)), nn.ReLU(),
            layer_init(nn.Linear(64, n_actions), std=1.0),
        )

    def forward(self, x):
        return self.network(x)


# ----------------------------------------------------------------------------
# Trivial vectorised random environment and a uniform replay buffer
# ----------------------------------------------------------------------------

class RandomVecEnv:
    """num_envs copies; obs ~ N(0,1)^16 (float32), reward ~ U[0,1), never done; the action is ignored."""

    def __init__(self, num_envs: int, obs_dim: int, seed: int):
        self.num_envs, self.obs_dim = num_envs, obs_dim
        self.rng = np.random.default_rng(seed)

    def reset(self):
        return self.rng.standard_normal((self.num_envs, self.obs_dim), dtype=np.float32)

    def step(self, action):
        assert action.shape == (self.num_envs,)
        obs = self.rng.standard_normal((self.num_envs, self.obs_dim), dtype=np.float32)
        reward = self.rng.random(self.num_envs, dtype=np.float32)
        done = np.zeros(self.num_envs, dtype=np.float32)
        return obs, reward, done, {}


class ReplayBuffer:
    """Fixed-capacity ring buffer of numpy arrays (what SB3's ReplayBuffer does for CleanRL)."""

    def __init__(self, capacity: int, obs_dim: int, seed: int):
        self.obs = np.zeros((capacity, obs_dim), dtype=np.float32)
        self.next_obs = np.zeros((capacity, obs_dim), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.dones = np.zeros(capacity, dtype=np.float32)
        self.capacity, self.pos, self.size = capacity, 0, 0
        self.rng = np.random.default_rng(seed + 1)

    def add(self, obs, next_obs, actions, rewards, dones):
        n = len(actions)
        idx = (self.pos + np.arange(n)) % self.capacity
        self.obs[idx], self.next_obs[idx], self.actions[idx] = obs, next_obs, actions
        self.rewards[idx], self.dones[idx] = rewards, dones
        self.pos = (self.pos + n) % self.capacity
        self.size = min(self.size + n, self.capacity)

    def sample(self, batch_size: int):
        idx = self.rng.integers(0, self.size, batch_size)
        return (torch.from_numpy(self.obs[idx]), torch.from_numpy(self.actions[idx]), torch.from_numpy(self.next_obs[idx]),
                torch.from_numpy(self.rewards[idx]), torch.from_numpy(self.dones[idx]))


# ----------------------------------------------------------------------------
# The DQN loop, as in CleanRL's dqn.py (vectorised over num_envs copies)
# ----------------------------------------------------------------------------

def linear_schedule(start_e: float, end_e: float, duration: int, t: int) -> float:
    slope = (end_e - start_e) / duration
    return max(slope * t + start_e, end_e)


def train_step(q_network, target_network, optimizer, rb, args):
    obs, actions, next_obs, rewards, dones = rb.sample(args.batch_size)
    with torch.no_grad():
        target_max, _ = target_network(next_obs).max(dim=1)
        td_target = rewards + args.gamma * target_max * (1 - dones)
    old_val = q_network(obs).gather(1, actions.view(-1, 1)).squeeze()
    loss = F.mse_loss(td_target, old_val)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(q_network.parameters(), args.max_grad_norm)
    optimizer.step()
    return loss


def run_steps(state, steps, args, learn=True):
    """`steps` environment steps of all copies; one gradient step per step when learning."""
    q_network, target_network, optimizer, envs, rb, rng = state["q"], state["target"], state["opt"], state["envs"], state["rb"], state["rng"]
    for _ in range(steps):
        t = state["global_step"]
        epsilon = linear_schedule(args.start_e, args.end_e, args.exploration_steps, t)
        obs = state["obs"]
        with torch.no_grad():
            q_values = q_network(torch.from_numpy(obs))
        actions = torch.argmax(q_values, dim=1).numpy()
        explore = rng.random(args.num_envs) < epsilon
        actions = np.where(explore, rng.integers(0, N_ACTIONS, args.num_envs), actions)
        next_obs, rewards, dones, _ = envs.step(actions)
        rb.add(obs, next_obs, actions, rewards, dones)
        state["obs"] = next_obs
        state["global_step"] = t + 1
        if learn:
            train_step(q_network, target_network, optimizer, rb, args)
            if (t + 1) % args.target_network_frequency == 0:
                target_network.load_state_dict(q_network.state_dict())


# ----------------------------------------------------------------------------
# BLAS reporting and thread pinning (as in the PPO peer)
# ----------------------------------------------------------------------------

def mapped_libraries(word: str):
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
    names = [os.path.join(os.path.basename(os.path.dirname(p)), os.path.basename(p)) for p in mapped_libraries("blas")]
    return ",".join(names) or "none"


def set_blas_threads(n: int):
    for path in mapped_libraries("openblas"):
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_set_num_threads"):
            lib.openblas_set_num_threads(ctypes.c_int(n))
            return int(lib.openblas_get_num_threads())
    return None


def bench_iteration(args):
    q_network = QNetwork(OBS_DIM, N_ACTIONS)
    target_network = QNetwork(OBS_DIM, N_ACTIONS)
    target_network.load_state_dict(q_network.state_dict())
    optimizer = optim.Adam(q_network.parameters(), lr=args.learning_rate)
    envs = RandomVecEnv(args.num_envs, OBS_DIM, args.seed)
    state = {"q": q_network, "target": target_network, "opt": optimizer, "envs": envs,
             "rb": ReplayBuffer(args.buffer_size, OBS_DIM, args.seed), "rng": np.random.default_rng(args.seed + 2),
             "obs": envs.reset(), "global_step": 0}
    run_steps(state, -(-args.learning_starts // args.num_envs), args, learn=False)
    wall, cpu = [], []
    for it in range(args.iterations + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        run_steps(state, args.num_steps, args)
        t1, c1 = time.perf_counter(), time.process_time()
        if it > 0:  # iteration 0 is warm-up
            wall.append(t1 - t0)
            cpu.append(c1 - c0)
    samples = args.num_envs * args.num_steps
    return {
        "samples_per_s": round(samples / statistics.median(wall), 1),
        "samples_per_cpu_s": round(samples / statistics.median(cpu), 1),
        "iteration_ms_median": round(statistics.median(wall) * 1e3, 2),
        "iteration_cpu_ms_median": round(statistics.median(cpu) * 1e3, 2),
        "iterations": len(wall),
    }


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.randn(8, 8) @ torch.randn(8, 8)  # maps the BLAS library before set_blas_threads looks for it
    torch.set_num_threads(args.threads)
    blas_threads = set_blas_threads(args.threads)
    print(json.dumps({
        "bench": "dqn-torch-cpu",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "blas": blas_library(),
        "cpu_count": os.cpu_count(),
        "params": sum(p.numel() for p in QNetwork(OBS_DIM, N_ACTIONS).parameters()),
        "shape": {"obs": OBS_DIM, "actions": N_ACTIONS, "hidden": [64, 64], "num_envs": args.num_envs, "num_steps": args.num_steps,
                  "batch": args.batch_size, "buffer": args.buffer_size},
        "torch_threads": torch.get_num_threads(),
        "blas_threads": blas_threads,
        "iteration": bench_iteration(args),
    }))


if __name__ == "__main__":
    main()
