"""Peer: DuckDB reads the same data (CSV or Parquet) and applies the same checks as schema.json in one SQL query.

CSV is read with all_varchar (as mlci reads it: the type check is TRY_CAST); DuckDB uses every core.
Prints one JSON line: seconds, rows, violations, peak RSS (MiB).
"""
import json
import resource
import sys
import time

import duckdb

path = sys.argv[1]
# --no-unique: skip the unique check on id (for schema-no-unique.json, as run.mjs uses for repeated rows).
check_unique = "--no-unique" not in sys.argv[2:]
start = time.perf_counter()
con = duckdb.connect()
source = (
    f"read_parquet('{path}')" if path.endswith(".parquet") else f"read_csv('{path}', header = true, all_varchar = true)"
)
types = dict(con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()[i][:2] for i in range(20))
ENUM = "('alpha', 'beta', 'gamma', 'delta', 'epsilon')"
terms = []


def typed(col, sql_type):
    """The column as sql_type, counting the present values that do not cast as type violations."""
    if types[col] == "VARCHAR":
        terms.append(f"count(*) FILTER (WHERE {col} IS NOT NULL AND TRY_CAST({col} AS {sql_type}) IS NULL)")
        return f"TRY_CAST({col} AS {sql_type})"
    return col


def rng(v, lo=None, hi=None):
    if lo is not None:
        terms.append(f"count(*) FILTER (WHERE {v} < {lo})")
    if hi is not None:
        terms.append(f"count(*) FILTER (WHERE {v} > {hi})")


def required(col):
    terms.append(f"count(*) FILTER (WHERE {col} IS NULL)")


required("id")
ids = typed("id", "BIGINT")
if check_unique:
    terms.append(f"count({ids}) - count(DISTINCT {ids})")
rng(ids, lo=0)
required("f0")
for c in ["f0", "f1", "f2", "f3"]:
    rng(typed(c, "DOUBLE"), -10, 10)
for c in ["f4", "f5", "f6", "f7"]:
    typed(c, "DOUBLE")
for c in ["n0", "n1"]:
    rng(typed(c, "BIGINT"), 0, 1000)
for c in ["n2", "n3"]:
    typed(c, "BIGINT")
required("c0")
for c in ["c0", "c1"]:
    terms.append(f"count(*) FILTER (WHERE {c} IS NOT NULL AND {c} NOT IN {ENUM})")
terms.append("count(*) FILTER (WHERE NOT regexp_full_match(code, 'AB[0-9]{4}'))")
terms.append("count(*) FILTER (WHERE length(code) > 6)")
required("email")
terms.append("count(*) FILTER (WHERE length(email) < 5)")
days = typed("day", "DATE")
rng(days, "DATE '2024-01-01'", "DATE '2024-12-31'")

row = con.execute(f"SELECT count(*), {', '.join(terms)} FROM {source}").fetchone()
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
