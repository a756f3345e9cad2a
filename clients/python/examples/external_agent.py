"""A small external agent for tacit's `external` policy (docs/interop.md): it reads JSON lines on
stdin and answers each `act` request with one action per world copy on stdout. Standard library only.

Strategies (picked from the hello message unless --strategy is given):
  logistics     warehouse-v1 logistics: expedite late orders (action `expediteLate`) on days with a
                backlog, ship standard otherwise (reads the `backlog` slot by name)
  tit-for-tat   market-v1 firm: play the price index the rival played last period
  constant      always --action

--hang-at N, --crash-at N and --garbage-at N make it stop answering, exit, or answer garbage at
its N-th request (0-based): the fault layer's handling of each is tested with them.

This is where an LLM-backed agent would build a prompt from the observation slots and parse the
model's answer into an action; the protocol stays the same.
"""
from __future__ import annotations

import argparse
import json
import sys
import time


def choose(strategy: str, hello: dict, obs: list, constant: int) -> int:
    if strategy == "logistics":
        names = hello["observationSpace"].get("names", [])
        labels = hello["actionSpace"].get("labels", [])
        backlog = obs[names.index("backlog")]
        return labels.index("expediteLate") if backlog > 0 else labels.index("standard")
    if strategy == "tit-for-tat":
        n_firms = len(obs)  # memory 1: obs = last prices of every firm, in firm order
        rival = (hello["index"] + 1) % n_firms
        return int(obs[rival])
    return constant


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strategy", choices=["auto", "logistics", "tit-for-tat", "constant"], default="auto")
    parser.add_argument("--action", type=int, default=0)
    parser.add_argument("--hang-at", type=int, default=-1)
    parser.add_argument("--crash-at", type=int, default=-1)
    parser.add_argument("--garbage-at", type=int, default=-1)
    args = parser.parse_args()
    hello: dict = {}
    strategy = args.strategy
    requests = 0
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["type"] == "hello":
            hello = msg
            if strategy == "auto":
                strategy = {"warehouse-v1": "logistics", "market-v1": "tit-for-tat"}.get(msg["world"], "constant")
            print(json.dumps({"id": msg["id"]}), flush=True)  # ready
            continue
        if requests == args.crash_at:
            return 3
        if requests == args.hang_at:
            time.sleep(3600)
        if requests == args.garbage_at:
            print("this is not json", flush=True)
        else:
            actions = [choose(strategy, hello, obs, args.action) for obs in msg["observations"]]
            print(json.dumps({"id": msg["id"], "actions": actions}), flush=True)
        requests += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
