#!/usr/bin/python3
"""scikit-learn side of bench/gbdt.bench.ts (run by it; not meant to be run alone).

Reads the train / validation / test matrices the bench wrote (raw little-endian float64, row-major,
NaN = missing; targets as float64 0/1), so both sides fit exactly the same numbers, and trains
HistGradientBoostingClassifier with the bench's settings. Prints one JSON object on stdout.

Early stopping on the bench's own validation set: this scikit-learn cannot be given a validation set
(it carves one out of the training data), so its internal early stopping is off and the same rule
Attune uses is applied from outside: grow trees (warm start, in chunks), score the validation log
loss after every tree (staged predictions), stop once `patience` trees in a row brought no
improvement, keep the best round. The timed fit then grows exactly as many trees as that run did
(best + patience, or max_iter), with early_stopping=False: the same work Attune's timed fit does.
Test metrics come from the best round's staged predictions. The test AUC at Attune's best round is
reported too (the "fixed number of trees" comparison).

Needs the Debian Python (STACK.md): apt-get install -y python3-sklearn python3-pandas
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import sklearn
import threadpoolctl
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import log_loss, roc_auc_score


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True, help="folder with {train,val,test}.x.f64 and .y.f64")
    p.add_argument("--cols", type=int, required=True)
    p.add_argument("--learning-rate", type=float, default=0.1)
    p.add_argument("--max-leaf-nodes", type=int, default=31)
    p.add_argument("--max-bins", type=int, default=255)
    p.add_argument("--min-samples-leaf", type=int, default=20)
    p.add_argument("--l2", type=float, default=0.0)
    p.add_argument("--max-iter", type=int, default=1000)
    p.add_argument("--patience", type=int, default=10)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--attune-best", type=int, default=0, help="Attune's best round, for the fixed-trees AUC")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def load(folder, part, cols):
    x = np.fromfile(os.path.join(folder, f"{part}.x.f64"), dtype="<f8")
    y = np.fromfile(os.path.join(folder, f"{part}.y.f64"), dtype="<f8").astype(int)
    return x.reshape(-1, cols), y


def model(args, max_iter, warm_start=False):
    return HistGradientBoostingClassifier(
        loss="log_loss",
        learning_rate=args.learning_rate,
        max_iter=max_iter,
        max_leaf_nodes=args.max_leaf_nodes,
        max_depth=None,
        min_samples_leaf=args.min_samples_leaf,
        l2_regularization=args.l2,
        max_bins=args.max_bins,
        early_stopping=False,
        warm_start=warm_start,
        random_state=args.seed,
    )


def staged_losses(est, x, y):
    return [log_loss(y, p[:, 1], labels=[0, 1]) for p in est.staged_predict_proba(x)]


def select_rounds(args, xtr, ytr, xva, yva):
    """Validation log loss after each round, grown until the patience rule stops (or max_iter)."""
    base = float(np.mean(ytr))
    base = min(1 - 1e-15, max(1e-15, base))
    losses = [log_loss(yva, np.full(len(yva), base), labels=[0, 1])]
    est = model(args, 0, warm_start=True)
    best, stop = 0, None
    grown = 0
    while stop is None and grown < args.max_iter:
        grown = min(args.max_iter, grown + 50)
        est.set_params(max_iter=grown)
        est.fit(xtr, ytr)
        grown = est.n_iter_  # it may stop growing when no split gains
        losses = losses[:1] + staged_losses(est, xva, yva)
        best = 0
        for it in range(1, len(losses)):
            if losses[it] < losses[best]:
                best = it
            if it - best >= args.patience:
                stop = it
                break
        if est.n_iter_ < est.max_iter:
            break
    if stop is None:
        stop = len(losses) - 1
    return est, losses[: stop + 1], best, stop


def main():
    args = parse_args()
    xtr, ytr = load(args.dir, "train", args.cols)
    xva, yva = load(args.dir, "val", args.cols)
    xte, yte = load(args.dir, "test", args.cols)

    est, losses, best, stop = select_rounds(args, xtr, ytr, xva, yva)
    # Staged test predictions of the selection run give the best round and Attune's best round.
    if est.n_iter_ < max(best, args.attune_best):
        est.set_params(max_iter=max(best, args.attune_best))
        est.fit(xtr, ytr)
    staged = [p[:, 1] for p in est.staged_predict_proba(xte)]
    p_best = staged[best - 1] if best > 0 else np.full(len(yte), float(np.mean(ytr)))
    fixed = None
    if 0 < args.attune_best <= len(staged):
        fixed = float(roc_auc_score(yte, staged[args.attune_best - 1]))

    # Timed: a fresh estimator growing the rounds the early-stopped run grew; only fit() is timed.
    # With --repeats 0 (the bench's other split seeds) nothing is timed.
    times = []
    same = True
    if args.repeats > 0:
        timed = model(args, max(1, stop))
        timed.fit(xtr, ytr)  # warm-up: first-call imports, thread pool start-up
        for _ in range(args.repeats):
            timed = model(args, max(1, stop))
            start = time.perf_counter()
            timed.fit(xtr, ytr)
            times.append((time.perf_counter() - start) * 1000.0)
        # The timed model must be the selection run's model (same data, same deterministic algorithm).
        p_timed = timed.predict_proba(xte)[:, 1]
        p_stop = staged[stop - 1] if 0 < stop <= len(staged) else p_timed
        same = bool(np.allclose(p_timed, p_stop, rtol=0, atol=1e-12))

    out = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]},
        "threads": {d["internal_api"]: d["num_threads"] for d in threadpoolctl.threadpool_info()},
        "bestIteration": int(best),
        "iterationsRun": int(stop),
        "validationLoss": [float(v) for v in losses],
        "testProbabilities": [float(v) for v in p_best],
        "testAucAtAttuneBest": fixed,
        "timesMs": times,
        "medianMs": float(np.median(times)) if times else None,
        "minMs": float(np.min(times)) if times else None,
        "timedModelMatchesSelection": same,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
