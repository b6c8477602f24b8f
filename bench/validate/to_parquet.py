"""Writes the benchmark CSV as Parquet with polars, each column typed as schema.json says.

integer -> Int64, number -> Float64, date -> Date, string -> String. A value that does not cast (the planted
"x" in f1) becomes null: the typed file cannot hold it, so its type violations are not in the Parquet file.
Row groups of 262,144 rows (polars' write_parquet default), zstd. Usage: to_parquet.py in.csv out.parquet schema.json
"""
import json
import sys

import polars as pl

src, dst, schema_path = sys.argv[1:4]
with open(schema_path) as f:
    fields = json.load(f)["fields"]
TYPES = {"integer": pl.Int64, "number": pl.Float64, "string": pl.String}
exprs = []
for field in fields:
    c = pl.col(field["name"])
    if field["type"] == "date":
        exprs.append(c.str.to_date("%Y-%m-%d", strict=False))
    else:
        exprs.append(c.cast(TYPES[field["type"]], strict=False))
pl.scan_csv(src, infer_schema=False).select(exprs).sink_parquet(dst, row_group_size=262_144)
