#!/usr/bin/env python3
"""Funnelcast's numpy reference for the benchmark workloads w1-w7.

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

w6 and w7 are in time mode (engine/README.md, "Months"): monthly cohorts
over 12 months, each cohort's customers spread over the months they close in
(a multinomial draw of the monthly close law, computed before the timing as
the engine computes it when the inputs are checked), a Gamma per (cohort,
month) cell, and per scenario the monthly and cumulative revenue's mean and
P5/P25/P50/P75/P95, the cumulative net gain's against the baseline, and the
payback curve.
"""

import argparse
import json
import math
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


# Time mode: (horizon, lags per segment as (median, p90) days per transition,
# campaign window (first, last month, 1-based) and cost per scenario).
W6_LAGS = ((7.0, 14.0), (14.0, 28.0), (21.0, 42.0), (30.0, 60.0))
W7_SLOW = tuple((5 * m, 5 * p) for m, p in W6_LAGS)
TIME = {
    "w6": (12, (W6_LAGS,), None, None),
    "w7": (12, (W6_LAGS, W7_SLOW), (2, 4), 50_000.0),
}
WORKLOADS["w6"] = WORKLOADS["w1"]
WORKLOADS["w7"] = WORKLOADS["w4"]
MONTH_QUANTILES = (0.05, 0.25, 0.50, 0.75, 0.95)
Z90 = 1.2815515655446004


def close_law(lags, months, step=0.1):
    """P(entry day + sum of lags falls k months after the entry month),
    k < months, and the rest: each lognormal lag's mass per cell of `step`
    days, convolved, then with the uniform entry day."""
    erf = np.frompyfunc(math.erf, 1, 1)
    top = 30.0 * (months + 1)
    edges = np.arange(0.0, top + step, step)
    law = np.zeros(len(edges) - 1)
    law[0] = 1.0
    for median, p90 in lags:
        if p90 == median:
            cell = np.zeros_like(law)
            cell[min(int(median / step), len(cell) - 1)] = 1.0
        else:
            mu, sigma = math.log(median), (math.log(p90) - math.log(median)) / Z90
            z = (np.log(np.maximum(edges, 1e-300)) - mu) / (sigma * math.sqrt(2.0))
            cdf = 0.5 * (1.0 + erf(z).astype(float))
            cell = np.diff(cdf)
        law = np.convolve(law, cell)[: len(law)]
    entry = np.full(int(round(30.0 / step)), step / 30.0)
    law = np.convolve(law, entry)[: len(law)]
    per_month = int(round(30.0 / step))
    within = law[: months * per_month].reshape(months, per_month).sum(axis=1)
    return within


def run_time(name, trials, seed):
    """One time-mode run; returns (seconds, mean horizon customers and revenue per scenario)."""
    segments, scenarios = WORKLOADS[name]
    horizon, lags, window, cost = TIME[name]
    laws = [close_law(l, horizon) for l in lags]
    rng = np.random.default_rng(seed)
    means = []
    start = time.perf_counter()
    base_cum = None
    for s, scenario in enumerate(scenarios):
        month_rev = np.zeros((trials, horizon))
        month_cust = np.zeros((trials, horizon), dtype=np.int64)
        pipeline = np.zeros(trials, dtype=np.int64)
        for seg, law in zip(segments, laws):
            level = entering(rng, seg, BASELINE, trials)
            if isinstance(seg.volume, tuple):
                level = level.astype(float)
            rates = []
            for rate in seg.rates:
                if isinstance(rate, tuple):
                    k, n = rate
                    rates.append(rng.beta(k + 1, n - k + 1, trials))
                else:
                    rates.append(rate)
            alpha = 1.0 / seg.deal_cv**2
            theta = seg.deal_mean * seg.deal_cv**2
            for t in range(horizon):
                inside = window is None or window[0] - 1 <= t <= window[1] - 1
                factor = scenario.volume_factor if inside else 1.0
                count = np.rint(level * factor).astype(np.int64)
                for p in rates:
                    count = rng.binomial(count, p)
                pvals = np.append(law[: horizon - t], max(0.0, 1.0 - law[: horizon - t].sum()))
                cells = rng.multinomial(count, pvals)
                shape = np.maximum(alpha * cells[:, :-1], 1e-300)
                rev = np.where(cells[:, :-1] > 0, rng.gamma(shape, theta), 0.0)
                month_rev[:, t:] += rev
                month_cust[:, t:] += cells[:, :-1]
                pipeline += cells[:, -1]
        cum = np.cumsum(month_rev, axis=1)
        np.mean(month_rev, axis=0)
        np.quantile(month_rev, MONTH_QUANTILES, axis=0)
        np.quantile(cum, MONTH_QUANTILES, axis=0)
        np.mean(month_cust, axis=0)
        np.mean(pipeline)
        if base_cum is None:
            base_cum = cum
        else:
            spend = np.zeros(horizon)
            if cost is not None:
                a, b = (window or (1, horizon))
                spend[a - 1 : b] = cost / (b - a + 1)
            spent = np.cumsum(spend)
            net = (cum - base_cum) - spent
            np.quantile(net, MONTH_QUANTILES, axis=0)
            paid = (net >= 0) & (spent > 0)
            first = np.where(paid.any(axis=1), paid.argmax(axis=1), horizon)
            np.cumsum(np.bincount(first, minlength=horizon + 1)[:horizon]) / trials
            uplift = cum[:, -1] - base_cum[:, -1]
            np.mean(uplift > 0) + 0.5 * np.mean(uplift == 0)
        means.append((np.mean(month_cust.sum(axis=1)), np.mean(cum[:, -1])))
    return time.perf_counter() - start, means


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
    ap.add_argument("--workload", help="w1..w7 or all (default all)")
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
            ap.error(f"unknown workload {name} (w1..w7 or all)")
    if trials < 1 or a.repeat < 1:
        ap.error("--trials and --repeat must be at least 1")
    for name in names:
        best = float("inf")
        for _ in range(a.repeat):
            secs, means = (run_time if name in TIME else run)(name, trials, a.seed)
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
