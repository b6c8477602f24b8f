"""The peer: pandas or polars reads both CSVs, then per column scipy computes what mlci reports: ks_2samp and
wasserstein_distance for numeric columns, chi2_contingency for categorical ones (same columns as mlci), and
the empty share of every column. Usage: scipy_peer.py REF CUR [pandas|polars]. Prints one JSON line: seconds,
columns, drifted (KS p < 0.05 / chi-square p < 0.05), the KS p-values, peak RSS (MiB)."""
import json
import resource
import sys
import time

import numpy as np
from scipy import stats

ref_path, cur_path = sys.argv[1], sys.argv[2]
engine = sys.argv[3] if len(sys.argv) > 3 else "pandas"
ignore = {"id", "email"}
start = time.perf_counter()


def numeric_test(a, b):
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    p = stats.ks_2samp(a, b).pvalue
    stats.wasserstein_distance(a, b) / max(a.std(ddof=0), 0.001)
    return p


def categorical_test(ref_counts, cur_counts):
    keys = sorted(set(ref_counts) | set(cur_counts))
    table = np.array([[ref_counts.get(k, 0) for k in keys], [cur_counts.get(k, 0) for k in keys]])
    return stats.chi2_contingency(table, correction=False)[1]


drifted = 0
columns = 0
ks = {}
if engine == "polars":
    import polars as pl

    # Columns polars cannot type as numbers stay text (f1 holds planted "x" values), as mlci treats them.
    ref = pl.read_csv(ref_path, infer_schema_length=10000, ignore_errors=False, schema_overrides={"f1": pl.Utf8})
    cur = pl.read_csv(cur_path, infer_schema_length=10000, ignore_errors=False, schema_overrides={"f1": pl.Utf8})
    for col in ref.columns:
        if col in ignore:
            continue
        columns += 1
        a, b = ref[col].drop_nulls(), cur[col].drop_nulls()
        empty = (ref[col].null_count() / ref.height, cur[col].null_count() / cur.height)
        if a.dtype.is_numeric() and b.dtype.is_numeric():
            p = numeric_test(a.cast(pl.Float64).to_numpy(), b.cast(pl.Float64).to_numpy())
            ks[col] = p
        else:
            rc = dict(a.cast(pl.Utf8).value_counts().iter_rows())
            cc = dict(b.cast(pl.Utf8).value_counts().iter_rows())
            p = categorical_test(rc, cc)
        drifted += p < 0.05
else:
    import pandas as pd

    ref = pd.read_csv(ref_path)
    cur = pd.read_csv(cur_path)
    for col in ref.columns:
        if col in ignore:
            continue
        columns += 1
        a, b = ref[col].dropna(), cur[col].dropna()
        empty = (ref[col].isna().mean(), cur[col].isna().mean())
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            p = numeric_test(a.to_numpy(dtype=float), b.to_numpy(dtype=float))
            ks[col] = p
        else:
            p = categorical_test(a.astype(str).value_counts().to_dict(), b.astype(str).value_counts().to_dict())
        drifted += p < 0.05
seconds = time.perf_counter() - start
print(
    json.dumps(
        {
            "engine": engine,
            "seconds": seconds,
            "columns": columns,
            "drifted": int(drifted),
            "ks": ks,
            "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
)
