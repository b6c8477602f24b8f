"""The peer: pandas reads both CSVs, then per column scipy computes what mlci reports: ks_2samp and
wasserstein_distance for numeric columns, chi2_contingency for categorical ones (same columns as mlci).
Prints one JSON line: seconds, columns, drifted (KS p < 0.05 / chi-square p < 0.05), peak RSS (MiB)."""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

ref_path, cur_path = sys.argv[1], sys.argv[2]
ignore = {"id", "email"}
start = time.perf_counter()
ref = pd.read_csv(ref_path)
cur = pd.read_csv(cur_path)
drifted = 0
columns = 0
for col in ref.columns:
    if col in ignore:
        continue
    columns += 1
    a, b = ref[col].dropna(), cur[col].dropna()
    if pd.api.types.is_numeric_dtype(a):
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        p = stats.ks_2samp(a, b).pvalue
        w = stats.wasserstein_distance(a, b) / max(a.std(ddof=0), 0.001)
        drifted += p < 0.05
    else:
        counts = pd.concat([a.value_counts(), b.value_counts()], axis=1).fillna(0)
        p = stats.chi2_contingency(counts.T.values, correction=False)[1]
        drifted += p < 0.05
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "columns": columns, "drifted": int(drifted), "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
