#!/usr/bin/python3
"""scikit-learn side of bench/kmeans-online-retail.bench.ts (run by it; not meant to be run alone).

Reads the standardized log1p-RFM matrix that the bench wrote (raw little-endian float64, row-major),
so both sides cluster exactly the same numbers, then times KMeans(...).fit on it and prints one JSON
object on stdout. Thread count is whatever the caller's environment says (the bench runs this once
with OMP_NUM_THREADS=1 and once with the default), so it is read back from threadpoolctl and reported.

With --check-rfm CSV_GZ it also rebuilds the RFM matrix from the raw file with pandas, the usual
published way, and reports the largest absolute difference from the bench's matrix: a check that
the TypeScript RFM code computes the protocol it claims to.

Needs the Debian Python (STACK.md): apt-get install -y python3-sklearn python3-pandas
"""
import argparse
import json
import sys
import time

import numpy as np
import sklearn
import threadpoolctl
from sklearn.cluster import KMeans


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--matrix", required=True, help="raw float64 file, rows x cols, row-major")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--cols", type=int, required=True)
    p.add_argument("--ks", default="4,8")
    p.add_argument("--n-init", type=int, default=10)
    p.add_argument("--max-iter", type=int, default=300)
    p.add_argument("--tol", type=float, default=1e-4)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--inertia-seeds", type=int, default=10, help="extra seeds for the inertia spread (0: none)")
    p.add_argument("--algorithms", default="lloyd,elkan")
    p.add_argument("--check-rfm", default=None, help="raw CSV.gz: rebuild RFM with pandas and compare")
    return p.parse_args()


def fit(x, k, algorithm, seed, args):
    # A fresh estimator per fit, as a user would write it; only fit() is inside the timer.
    model = KMeans(n_clusters=k, n_init=args.n_init, max_iter=args.max_iter, tol=args.tol,
                   algorithm=algorithm, random_state=seed)
    start = time.perf_counter()
    model.fit(x)
    return model, (time.perf_counter() - start) * 1000.0


def bench_one(x, k, algorithm, args):
    fit(x, k, algorithm, args.seed, args)  # warm-up: first-call imports and thread-pool start-up
    times = []
    model = None
    for _ in range(args.repeats):
        model, ms = fit(x, k, algorithm, args.seed, args)
        times.append(ms)
    spread = [float(fit(x, k, algorithm, s, args)[0].inertia_) for s in range(1, 1 + args.inertia_seeds)]
    return {
        "algorithm": algorithm,
        "k": k,
        "inertia": float(model.inertia_),
        "iterations": int(model.n_iter_),
        "timesMs": times,
        "medianMs": float(np.median(times)),
        "minMs": float(np.min(times)),
        "labels": model.labels_.astype(int).tolist(),
        "centersScaled": model.cluster_centers_.tolist(),
        "inertiaOtherSeeds": spread,
    }


def pandas_rfm(path):
    """The common published RFM recipe, written independently of the TypeScript code."""
    import pandas as pd

    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    df = df[df["CustomerID"].notna() & (df["CustomerID"].str.strip() != "")]
    df = df[~df["InvoiceNo"].str.startswith("C")].copy()
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
    df["Customer"] = df["CustomerID"].astype(float).astype(int)
    df["Amount"] = df["Quantity"] * df["UnitPrice"]
    snapshot = df["InvoiceDate"].max() + pd.Timedelta(days=1)
    rfm = df.groupby("Customer").agg(
        last=("InvoiceDate", "max"), frequency=("InvoiceNo", "nunique"), monetary=("Amount", "sum"))
    rfm["recency"] = (snapshot - rfm["last"]).dt.days
    rfm = rfm[rfm["monetary"] > 0]
    logged = np.log1p(rfm[["recency", "frequency", "monetary"]].to_numpy(dtype=float))
    return (logged - logged.mean(axis=0)) / logged.std(axis=0, ddof=0)


def openmp_threads():
    info = threadpoolctl.threadpool_info()
    return {f"{i['user_api']}:{i['internal_api']}": i["num_threads"] for i in info}


def main():
    args = parse_args()
    x = np.fromfile(args.matrix, dtype="<f8").reshape(args.rows, args.cols)
    ks = [int(k) for k in args.ks.split(",") if k]
    algorithms = [a for a in args.algorithms.split(",") if a]
    out = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]},
        "threads": openmp_threads(),
        "runs": [bench_one(x, k, a, args) for k in ks for a in algorithms],
    }
    if args.check_rfm:
        theirs = pandas_rfm(args.check_rfm)
        out["rfmCheck"] = {
            "pandasRows": int(theirs.shape[0]),
            "maxAbsDiff": float(np.max(np.abs(theirs - x))) if theirs.shape == x.shape else None,
        }
    json.dump(out, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
