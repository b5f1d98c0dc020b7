"""--tune: search item2vec's most sensitive settings on a validation split of the input itself.

The last item of a sample of users is held out of the training interactions; each trial
trains on the rest and scores hit rate@10 on those held-out items (recommendations as
`wordvec recommend` makes them, from the context vectors). The search is coordinate-wise:
starting from the given settings, try each value of one setting with the others at the best
found so far, keep the best, go on to the next setting, and go round again while something
improved and time remains. A trial is skipped when its expected time (the last trial's,
scaled by epochs and dim) would pass the budget. Settings searched, in this order:
ns_exponent (the largest effect on item data, Caselles-Dupre et al. 2018), epochs, sample, dim.
"""

from __future__ import annotations

import dataclasses
import time

from ..config import Item2VecConfig
from ..util.progress import log

SEARCH = {
    "ns_exponent": (-0.5, 0.0, 0.5, 1.0),
    "epochs": (5, 10, 20, 40),
    "sample": (0.0, 1e-4, 1e-3),
    "dim": (32, 64, 128),
}
VALIDATION_USERS = 3000      # users whose last item is held out (all eligible users when fewer)
ROUNDS = 2


def tune_item2vec(interactions, config: Item2VecConfig) -> tuple[Item2VecConfig, dict]:
    """The best settings found within config.tune_minutes, and a report of every trial
    (settings, hit rate@10, seconds) for the metadata and the command's table."""
    from ..text.split import hold_out_last
    from ..vectors.nextitem import evaluate_rows
    from .item2vec import train_item2vec

    started = time.perf_counter()
    deadline = started + 60.0 * config.tune_minutes
    split = hold_out_last(interactions, sample=VALIDATION_USERS, seed=config.seed)
    base = dataclasses.replace(config, tune=False, users=False)
    trials: list[dict] = []
    configs: list[Item2VecConfig] = []

    def trial(candidate: Item2VecConfig) -> float:
        t0 = time.perf_counter()
        configs.append(candidate)
        result = train_item2vec(split.train, candidate)
        hit = evaluate_rows(result.kv, split.test_ids, split.test_offsets, split.test_targets, ks=(10,),
                            popularity=False, context=result.context)["vectors"]["hit@10"]
        trials.append({**{name: getattr(candidate, name) for name in SEARCH}, "hit@10": round(hit, 4),
                       "seconds": round(time.perf_counter() - t0, 2)})
        log.info("tune: %s -> hit rate@10 %.4f (%.1f s)",
                 ", ".join(f"{n} {getattr(candidate, n)}" for n in SEARCH), hit, trials[-1]["seconds"])
        return hit

    def expected_seconds(candidate: Item2VecConfig) -> float:
        last = configs[-1]
        return trials[-1]["seconds"] * (candidate.epochs / last.epochs) * (candidate.dim / last.dim)

    best, best_hit = base, trial(base)
    tried = {_key(base)}
    out_of_time = False
    for _ in range(ROUNDS):
        improved = False
        for name, values in SEARCH.items():
            for value in values:
                candidate = dataclasses.replace(best, **{name: value})
                if _key(candidate) in tried:
                    continue
                if time.perf_counter() + expected_seconds(candidate) > deadline:
                    out_of_time = True
                    continue
                tried.add(_key(candidate))
                hit = trial(candidate)
                if hit > best_hit:
                    best, best_hit, improved = candidate, hit, True
        if not improved:
            break
    report = {"validation_users": int(split.n_test), "seconds": round(time.perf_counter() - started, 1),
              "budget_minutes": config.tune_minutes, "out_of_time": out_of_time, "trials": trials,
              "best": {**{name: getattr(best, name) for name in SEARCH}, "hit@10": round(best_hit, 4)}}
    chosen = dataclasses.replace(config, **{name: getattr(best, name) for name in SEARCH})
    return chosen, report


def _key(config: Item2VecConfig) -> tuple:
    return tuple(getattr(config, name) for name in SEARCH)
