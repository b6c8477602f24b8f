"""The peer: pandas reads the same CSV and applies the same checks as schema.json, written idiomatically.

Prints one JSON line: seconds, rows, violations, peak RSS (MiB).
"""
import json
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
# --no-unique: skip the unique check on id (for schema-no-unique.json, as run.mjs uses for repeated rows).
check_unique = "--no-unique" not in sys.argv[2:]
start = time.perf_counter()
df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
violations = 0


def num(col, integer=False):
    global violations
    s = pd.to_numeric(df[col], errors="coerce")
    bad = s.isna() & df[col].notna()
    if integer:
        bad |= s.notna() & (s % 1 != 0)
    violations += int(bad.sum())
    return s


def rng(s, lo, hi):
    global violations
    violations += int(((s < lo) | (s > hi)).sum())


def required(col):
    global violations
    violations += int(df[col].isna().sum())


enum = ["alpha", "beta", "gamma", "delta", "epsilon"]
required("id")
ids = num("id", integer=True)
if check_unique:
    violations += int(ids.duplicated().sum())
rng(ids, 0, float("inf"))
required("f0")
for c in ["f0", "f1", "f2", "f3"]:
    rng(num(c), -10, 10)
for c in ["f4", "f5", "f6", "f7"]:
    num(c)
for c in ["n0", "n1"]:
    rng(num(c, integer=True), 0, 1000)
for c in ["n2", "n3"]:
    num(c, integer=True)
required("c0")
for c in ["c0", "c1"]:
    violations += int((~df[c].isin(enum) & df[c].notna()).sum())
codes = df["code"].dropna()
violations += int((~codes.str.fullmatch(r"AB[0-9]{4}")).sum()) + int((codes.str.len() > 6).sum())
required("email")
violations += int((df["email"].dropna().str.len() < 5).sum())
days = pd.to_datetime(df["day"], format="%Y-%m-%d", errors="coerce")
violations += int((days.isna() & df["day"].notna()).sum())
violations += int(((days < "2024-01-01") | (days > "2024-12-31")).sum())
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": len(df), "violations": violations, "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
