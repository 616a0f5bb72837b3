"""Optuna's pick for a leaderboard workload, given a wall-clock budget: TPESampler +
MedianPruner, each trial a constant-rate run of the whole horizon (E epochs) in torch from
the workload's initial weights, reporting its validation loss along the way (each epoch,
at least 4 times a run) for the pruner. Search space: batch over powers of two from 8 to
min(1024, training rows), learning rate log-uniform over [default/100, min(1, default*100)].

`--jobs N` runs N processes (one torch thread each) on one study through a journal file,
as autobatch runs its search on a pool of one process a core. Optuna checks its timeout
between trials, so a trial started before the timeout still finishes; each process's
timeout runs from its own call of optimize (Python's start and the data's loading are
not taken out of the budget). Prints one JSON
line: {"batchSize", "learningRate", "value", "trials", "completed", "pruned", "seconds"}.

    python optuna_pick.py --dir DIR --epochs E --timeout SECONDS [--seed 42] [--jobs 2]
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import common

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--epochs", type=float, required=True)
parser.add_argument("--timeout", type=float, required=True)
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--jobs", type=int, default=2)
parser.add_argument("--threads", type=int, default=1)
# Internal: one of the study's worker processes.
parser.add_argument("--worker", type=int, default=None)
parser.add_argument("--journal", default=None)
args = parser.parse_args()

import optuna  # noqa: E402
from optuna.storages import JournalStorage  # noqa: E402

try:
    from optuna.storages.journal import JournalFileBackend
except ImportError:  # optuna < 4
    from optuna.storages import JournalFileStorage as JournalFileBackend

STUDY = "leaderboard"


def storage(journal):
    return JournalStorage(JournalFileBackend(journal))


def worker():
    common.set_threads(args.threads)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    spec, data, weights = common.load(args.dir)
    default = spec["optimizer"]["learningRate"]
    rows = common.train_rows(data)
    batches = common.batch_choices(rows)
    low, high = default / 100, min(1.0, default * 100)
    study = optuna.load_study(
        study_name=STUDY,
        storage=storage(args.journal),
        sampler=optuna.samplers.TPESampler(seed=args.seed + args.worker),
        pruner=optuna.pruners.MedianPruner(),
    )

    def objective(trial):
        batch = trial.suggest_categorical("batch", batches)
        lr = trial.suggest_float("lr", low, high, log=True)

        def report(step, loss):
            trial.report(loss, step)
            if trial.should_prune():
                raise optuna.TrialPruned()

        return common.train_constant(spec, data, weights, batch, lr, args.epochs, args.seed + trial.number, report)

    # Optuna's own timeout, from the start of optimize: Python's start and the data's
    # loading are not taken out of its budget.
    study.optimize(objective, timeout=args.timeout)


def main():
    watch = common.Stopwatch()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    spec, data, weights = common.load(args.dir)
    translation = common.check_translation(spec, data, weights)
    source = "ImageFolder" if "train_set" in data else "tensors"
    del data, weights
    with tempfile.TemporaryDirectory() as tmp:
        journal = os.path.join(tmp, "study.log")
        optuna.create_study(study_name=STUDY, storage=storage(journal), direction="minimize")
        workers = [
            subprocess.Popen([sys.executable, __file__, "--dir", args.dir, "--epochs", str(args.epochs), "--timeout", str(args.timeout),
                              "--seed", str(args.seed), "--threads", str(args.threads), "--worker", str(i), "--journal", journal])
            for i in range(args.jobs)
        ]
        codes = [w.wait() for w in workers]
        study = optuna.load_study(study_name=STUDY, storage=storage(journal))
        trials = study.get_trials(deepcopy=False)
        complete = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
        pruned = [t for t in trials if t.state == optuna.trial.TrialState.PRUNED]
        finite = [t for t in complete if t.value is not None and math.isfinite(t.value)]
        result = {
            "trials": len(trials),
            "completed": len(complete),
            "pruned": len(pruned),
            "diverged": len(complete) - len(finite),
            "jobs": args.jobs,
            "threads": args.threads,
            "timeout": args.timeout,
            "seconds": watch.seconds(),
            "workerExitCodes": codes,
            "translation": translation,
            "data": source,
        }
        if finite:
            best = min(finite, key=lambda t: t.value)
            result.update({"batchSize": best.params["batch"], "learningRate": best.params["lr"], "value": best.value, "bestTrial": best.number})
        else:
            result.update({"batchSize": None, "learningRate": None, "value": None,
                           "reason": "no trial completed with a finite loss within the budget" if not complete else "every completed trial diverged"})
        common.emit(result)


if args.worker is None:
    main()
else:
    worker()
