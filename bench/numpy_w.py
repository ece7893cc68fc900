#!/usr/bin/env python3
"""Funnelcast's numpy reference for the benchmark workloads w1-w5.

The workloads are defined in docs/test-contract.md ("Benchmark workloads").
This is what a planner fluent in numpy would write: vectorised over trials,
one generator, and each scenario drawn on its own (numpy has no cheap
monotone coupling, so there are no common random numbers here; the engine's
coupling costs it extra work, not less). A run does the work of an engine
run: every draw, then per scenario the summaries of customers and revenue
(mean, sd, P5/P10/P50/P90/P95, a 40-bin histogram) and, against the
baseline, the same summaries of the uplift and P(beat).

Usage (from the repository root; `pip install numpy` first):

    python3 bench/numpy_w.py w1 1000000
    python3 bench/numpy_w.py --workload all --trials 1000000

The workload is w1..w5 or all (default all), trials default 1,000,000. Each
workload runs --repeat times (default 3) and the best run is printed as one
JSON line, in the shape of the engine's bench example plus "tool":

    {"workload": "w1", "trials": 1000000, "ns_per_trial": 500.0, "ms": 500.0, "tool": "numpy"}

--check also prints each scenario's mean customers and revenue to stderr
(outside the timing), to compare with the engine's figures.
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass
from typing import Optional, Tuple, Union

import numpy as np

# The standard normal's 95th percentile: a 90 % range is mean ± Z95 sd.
Z95 = 1.6448536269514722
HIST_BINS = 40
QUANTILES = (0.05, 0.10, 0.50, 0.90, 0.95)


@dataclass(frozen=True)
class Segment:
    # A whole number of people, or a 90 % range (low, high): a lognormal
    # with P5 = low and P95 = high, rounded to whole people.
    volume: Union[int, Tuple[float, float]]
    # Per transition 1..k: a fixed rate, or evidence (k, n) "k of n
    # converted", drawn from Beta(k + 1, n - k + 1).
    rates: tuple
    deal_mean: float
    deal_cv: float


@dataclass(frozen=True)
class Scenario:
    volume_factor: float = 1.0  # volume x (1 + x %)
    rate_points: Optional[dict] = None  # {transition i: +points as a fraction}


CLASSIC = Segment(10_000, (0.25, 0.32, 0.25, 0.30), 5_000.0, 0.5)
UNCERTAIN = Segment(
    (8_000.0, 12_000.0),
    ((2_500, 10_000), (800, 2_500), (200, 800), (60, 200)),
    5_000.0,
    0.5,
)
ENTERPRISE = Segment(2_000, (0.30, 0.40, 0.35, 0.40), 40_000.0, 0.8)
BASELINE = Scenario()
VOLUME_UP = [Scenario(volume_factor=f) for f in (1.1, 1.2, 1.3)]

WORKLOADS = {
    "w1": ((CLASSIC,), (BASELINE,)),
    "w2": ((UNCERTAIN,), (BASELINE,)),
    "w3": ((CLASSIC,), (BASELINE, *VOLUME_UP)),
    "w4": ((UNCERTAIN, ENTERPRISE), (BASELINE, *VOLUME_UP)),
    # +5 points on the rate into stage 2 (consideration).
    "w5": ((CLASSIC,), (BASELINE, Scenario(rate_points={2: 0.05}))),
}


def entering(rng, seg, scenario, trials):
    """People entering stage 0, one count per trial."""
    if isinstance(seg.volume, tuple):
        low, high = seg.volume
        mu = 0.5 * (np.log(low) + np.log(high))
        sigma = (np.log(high) - np.log(low)) / (2.0 * Z95)
        people = np.rint(rng.lognormal(mu, sigma, trials)).astype(np.int64)
    else:
        people = np.full(trials, seg.volume, dtype=np.int64)
    if scenario.volume_factor != 1.0:
        people = np.rint(people * scenario.volume_factor).astype(np.int64)
    return people


def draw_segment(rng, seg, scenario, trials):
    """Customers and revenue of one segment under one scenario."""
    count = entering(rng, seg, scenario, trials)
    points = scenario.rate_points or {}
    for i, rate in enumerate(seg.rates, start=1):
        if isinstance(rate, tuple):
            k, n = rate
            p = rng.beta(k + 1, n - k + 1, trials)
        else:
            p = rate
        if i in points:
            p = np.clip(p + points[i], 0.0, 1.0)
        count = rng.binomial(count, p)
    # c deals of Gamma(alpha, theta) sum to Gamma(c * alpha, theta): one draw
    # per trial; a trial without customers has no revenue.
    alpha = 1.0 / seg.deal_cv**2
    theta = seg.deal_mean * seg.deal_cv**2
    shape = np.maximum(alpha * count, 1e-300)
    revenue = np.where(count > 0, rng.gamma(shape, theta), 0.0)
    return count, revenue


def summary(x):
    """The engine's summary of a per-trial figure."""
    return (
        np.mean(x),
        np.std(x),
        np.quantile(x, QUANTILES),
        np.histogram(x, bins=HIST_BINS),
    )


def run(name, trials, seed):
    """One run of a workload; returns (seconds, mean customers and revenue per scenario)."""
    segments, scenarios = WORKLOADS[name]
    rng = np.random.default_rng(seed)
    means = []
    start = time.perf_counter()
    baseline_revenue = None
    for scenario in scenarios:
        customers = np.zeros(trials, dtype=np.int64)
        revenue = np.zeros(trials)
        for seg in segments:
            c, r = draw_segment(rng, seg, scenario, trials)
            customers += c
            revenue += r
        cs, rs = summary(customers), summary(revenue)
        means.append((cs[0], rs[0]))
        if baseline_revenue is None:
            baseline_revenue = revenue
        else:
            uplift = revenue - baseline_revenue
            summary(uplift)
            np.mean(uplift > 0) + 0.5 * np.mean(uplift == 0)  # P(beat)
    return time.perf_counter() - start, means


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workload_pos", nargs="?", metavar="WORKLOAD")
    ap.add_argument("trials_pos", nargs="?", type=int, metavar="TRIALS")
    ap.add_argument("--workload", help="w1..w5 or all (default all)")
    ap.add_argument("--trials", type=int, help="trials per run (default 1000000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per workload; the best is printed")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--check", action="store_true", help="print mean customers and revenue to stderr")
    a = ap.parse_args(argv)
    which = a.workload or a.workload_pos or "all"
    trials = a.trials or a.trials_pos or 1_000_000
    names = list(WORKLOADS) if which == "all" else [which]
    for name in names:
        if name not in WORKLOADS:
            ap.error(f"unknown workload {name} (w1..w5 or all)")
    if trials < 1 or a.repeat < 1:
        ap.error("--trials and --repeat must be at least 1")
    for name in names:
        best = float("inf")
        for _ in range(a.repeat):
            secs, means = run(name, trials, a.seed)
            best = min(best, secs)
        if a.check:
            for s, (c, r) in enumerate(means):
                print(f"{name} scenario {s}: customers {c:.3f}, revenue {r:.1f}", file=sys.stderr)
        print(json.dumps({
            "workload": name,
            "trials": trials,
            "ns_per_trial": round(best * 1e9 / trials, 1),
            "ms": round(best * 1e3, 1),
            "tool": "numpy",
        }))


if __name__ == "__main__":
    main()
