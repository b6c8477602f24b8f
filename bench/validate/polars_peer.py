"""Peer: polars reads the same data (CSV or Parquet) and applies the same checks as schema.json, lazily.

One lazy query (scan_csv / scan_parquet, then a single select of counts) so polars plans, streams and uses
every core as it chooses. Prints one JSON line: seconds, rows, violations, peak RSS (MiB).
"""
import json
import resource
import sys
import time

import polars as pl

path = sys.argv[1]
# --no-unique: skip the unique check on id (for schema-no-unique.json, as run.mjs uses for repeated rows).
check_unique = "--no-unique" not in sys.argv[2:]
start = time.perf_counter()
if path.endswith(".parquet"):
    lf = pl.scan_parquet(path)
else:
    # Strings first, as mlci reads them: the type check is the cast. Empty fields are null (missingValues [""]).
    lf = pl.scan_csv(path, infer_schema=False)
schema = lf.collect_schema()
ENUM = ["alpha", "beta", "gamma", "delta", "epsilon"]
counts = []


def typed(col, dtype):
    """The column cast to dtype, plus the count of present values that do not cast (a type violation)."""
    c = pl.col(col)
    if schema[col] == pl.String:
        v = c.cast(dtype, strict=False)
        counts.append((v.is_null() & c.is_not_null()).sum())
        return v
    return c


def rng(v, lo=None, hi=None):
    if lo is not None:
        counts.append((v < lo).sum())
    if hi is not None:
        counts.append((v > hi).sum())


def required(col):
    counts.append(pl.col(col).is_null().sum())


required("id")
ids = typed("id", pl.Int64)
if check_unique:
    counts.append(ids.count() - ids.drop_nulls().n_unique())
rng(ids, lo=0)
required("f0")
for c in ["f0", "f1", "f2", "f3"]:
    rng(typed(c, pl.Float64), -10, 10)
for c in ["f4", "f5", "f6", "f7"]:
    typed(c, pl.Float64)
for c in ["n0", "n1"]:
    rng(typed(c, pl.Int64), 0, 1000)
for c in ["n2", "n3"]:
    typed(c, pl.Int64)
required("c0")
for c in ["c0", "c1"]:
    counts.append((~pl.col(c).is_in(ENUM) & pl.col(c).is_not_null()).sum())
code = pl.col("code")
counts.append((~code.str.contains(r"^AB[0-9]{4}$")).sum())
counts.append((code.str.len_chars() > 6).sum())
required("email")
counts.append((pl.col("email").str.len_chars() < 5).sum())
if schema["day"] == pl.String:
    days = pl.col("day").str.to_date("%Y-%m-%d", strict=False)
    counts.append((days.is_null() & pl.col("day").is_not_null()).sum())
else:
    days = pl.col("day")
rng(days, pl.date(2024, 1, 1), pl.date(2024, 12, 31))

out = lf.select([pl.len().alias("rows"), *[e.alias(f"k{i}") for i, e in enumerate(counts)]]).collect()
row = out.row(0)
seconds = time.perf_counter() - start
print(
    json.dumps(
        {
            "seconds": seconds,
            "rows": row[0],
            "violations": int(sum(row[1:])),
            "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
)
