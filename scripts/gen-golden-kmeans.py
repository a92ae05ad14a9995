#!/usr/bin/python3
"""Golden reference for the clustering quality tests (test/models/kmeans-quality.test.ts).

Run with the Debian Python, which has scikit-learn (STACK.md; the pyenv python3 on PATH does not):
    apt-get install -y python3-sklearn python3-pandas
    /usr/bin/python3 scripts/gen-golden-kmeans.py
Writes test/models/fixtures/kmeans-golden.json: a fixed dataset (2,000 rows x 6 features: 5 Gaussian
blobs of unequal size and spread plus 5% uniform noise, seeded numpy, rounded to 6 decimals so the
JSON holds exactly the numbers sklearn saw), scikit-learn KMeans(n_clusters=5, n_init=4,
random_state=0) inertia and centres, and scipy's Ward linkage of the first 200 rows.
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import KMeans

ROWS = 2000
FEATURES = 6
BLOBS = 5
WARD_ROWS = 200
SEED = 20240603

rng = np.random.default_rng(SEED)
centres = rng.uniform(-10, 10, size=(BLOBS, FEATURES))
spreads = np.array([0.6, 1.0, 1.4, 0.8, 1.8])
weights = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
noise_rows = ROWS // 20
blob_rows = rng.multinomial(ROWS - noise_rows, weights)
parts = [centres[b] + spreads[b] * rng.standard_normal((blob_rows[b], FEATURES)) for b in range(BLOBS)]
parts.append(rng.uniform(-12, 12, size=(noise_rows, FEATURES)))
x = np.concatenate(parts)
x = x[rng.permutation(ROWS)]
x = np.round(x, 6)

km = KMeans(n_clusters=BLOBS, n_init=4, random_state=0, algorithm="lloyd").fit(x)
ward = linkage(x[:WARD_ROWS], method="ward")

out = {
    "generator": "scripts/gen-golden-kmeans.py",
    "versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
    "seed": SEED,
    "rows": ROWS,
    "features": FEATURES,
    "data": x.tolist(),
    "kmeans": {
        "params": {"n_clusters": BLOBS, "n_init": 4, "random_state": 0, "tol": 1e-4, "max_iter": 300, "algorithm": "lloyd"},
        "inertia": float(km.inertia_),
        "iterations": int(km.n_iter_),
        "centers": km.cluster_centers_.tolist(),
        "clusterSizes": np.bincount(km.labels_, minlength=BLOBS).tolist(),
    },
    "ward": {"rows": WARD_ROWS, "linkage": ward.tolist()},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "models", "fixtures", "kmeans-golden.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {path}: inertia {km.inertia_:.6f} in {km.n_iter_} iterations, {os.path.getsize(path)} bytes")
