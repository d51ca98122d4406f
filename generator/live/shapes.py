"""The shapes of synthetic traffic: how busy the service is over a day, and how latencies fall into buckets.

Pure functions of a :class:`~.traffic.Shape`; the workload multiplies them with the rates the traffic file gives.
"""

from __future__ import annotations

import math
import random

from .traffic import Shape


def busyness(shape: Shape, seed: int, sim_t: float) -> float:
    """Daily curve (busiest in the afternoon, UTC) times a jitter that changes every ``jitter_seconds``."""
    day = 1 + shape.daily_swing * math.sin(2 * math.pi * ((sim_t / 86400.0) % 1 - 0.375))
    bucket = int(sim_t // shape.jitter_seconds)
    jitter = random.Random(seed * 1_000_003 + bucket).uniform(1 - shape.jitter, 1 + shape.jitter)
    return day * jitter


def _lognormal_cdf(x: float, median: float, sigma: float) -> float:
    if x <= 0:
        return 0.0
    return 0.5 * (1 + math.erf(math.log(x / median) / (sigma * math.sqrt(2))))


_FRACTIONS_CACHE: dict = {}


def latency_fractions(shape: Shape, median: float, bounds: tuple[float, ...]) -> tuple[list[tuple[int, float]], float]:
    """(bucket index, share of requests) for each bucket (non-cumulative, +Inf last) and the mean duration, for
    a log-normal body around ``median`` with a slow tail."""
    key = (shape, round(median, 6), bounds)
    if key not in _FRACTIONS_CACHE:
        tail, factor = shape.tail_share, shape.tail_factor

        def cdf(x):
            return ((1 - tail) * _lognormal_cdf(x, median, shape.sigma)
                    + tail * _lognormal_cdf(x, median * factor, shape.tail_sigma))
        previous, fractions = 0.0, []
        for bound in bounds:
            value = cdf(bound)
            fractions.append(value - previous)
            previous = value
        fractions.append(1 - previous)
        mean = ((1 - tail) * median * math.exp(shape.sigma ** 2 / 2)
                + tail * median * factor * math.exp(shape.tail_sigma ** 2 / 2))
        _FRACTIONS_CACHE[key] = ([(i, f) for i, f in enumerate(fractions) if f > 1e-12], mean)
    return _FRACTIONS_CACHE[key]


def point_fractions(seconds: float, bounds: tuple[float, ...]) -> list[tuple[int, float]]:
    """Every observation in the bucket that holds ``seconds``."""
    return [(next((i for i, b in enumerate(bounds) if seconds <= b), len(bounds)), 1.0)]
