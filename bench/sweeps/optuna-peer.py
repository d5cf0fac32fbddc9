"""Optuna peers for `npm run bench:sweeps` (needs Debian's python3-optuna and python3-psycopg2).

    /usr/bin/python3 bench/sweeps/optuna-peer.py overhead <trials> <postgresql url or "memory">
        TPE trials that do no work; prints {"secondsPerTrial": …}.
    /usr/bin/python3 bench/sweeps/optuna-peer.py quality <seeds>
        TPE on the benchmark objective; prints {"25": [best per seed], "50": …, "100": …}.
"""
import json
import math
import sys
import time
import warnings

import optuna

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def objective_value(x, y, z):
    """The same objective as bench/sweeps.ts: a shifted, rotated ill-conditioned quadratic plus a bump."""
    u = 0.8 * (x - 1) + 0.6 * (y + 2)
    v = -0.6 * (x - 1) + 0.8 * (y + 2)
    return u * u + 10 * v * v + (z - 0.5) ** 2 + 0.5 * (1 - math.cos(3 * x))


def overhead(trials, storage):
    sampler = optuna.samplers.TPESampler(seed=1, n_startup_trials=10, n_ei_candidates=24)
    kwargs = {} if storage == "memory" else {"storage": storage, "study_name": f"bench-{time.time_ns()}"}
    study = optuna.create_study(sampler=sampler, **kwargs)
    start = time.perf_counter()
    study.optimize(lambda t: t.suggest_float("x", -5, 5) * 0 + t.suggest_float("y", -5, 5) * 0, n_trials=trials)
    return {"secondsPerTrial": (time.perf_counter() - start) / trials}


def quality(seeds):
    result = {"25": [], "50": [], "100": []}
    for seed in range(1, seeds + 1):
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=10, n_ei_candidates=24)
        study = optuna.create_study(sampler=sampler)
        values = []

        def objective(trial):
            value = objective_value(trial.suggest_float("x", -5, 5), trial.suggest_float("y", -5, 5), trial.suggest_float("z", -5, 5))
            values.append(value)
            return value

        study.optimize(objective, n_trials=100)
        for budget in (25, 50, 100):
            result[str(budget)].append(min(values[:budget]))
    return result


if sys.argv[1] == "overhead":
    print(json.dumps(overhead(int(sys.argv[2]), sys.argv[3])))
else:
    print(json.dumps(quality(int(sys.argv[2]))))
