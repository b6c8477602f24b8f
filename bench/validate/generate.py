"""Writes a synthetic CSV of N rows x 20 columns for the validation and drift benchmarks (deterministic)."""
import csv
import random
import sys

rows, path = int(sys.argv[1]), sys.argv[2]
shift = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
rng = random.Random(42 if shift == 0 else 7)
cats = ["alpha", "beta", "gamma", "delta", "epsilon"]
header = ["id"] + [f"f{i}" for i in range(8)] + [f"n{i}" for i in range(4)] + [f"c{i}" for i in range(4)] + ["code", "email", "day"]
with open(path, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    for i in range(rows):
        row = (
            [i]
            + [f"{rng.gauss(shift, 1):.5f}" for _ in range(8)]
            + [rng.randint(0, 1000) for _ in range(4)]
            + [rng.choice(cats) for _ in range(4)]
            + [f"AB{rng.randint(0, 9999):04d}", f"user{i}@example.com", f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        )
        # A few bad values, so both tools do the reporting work too (and their counts can be compared).
        if i % 997 == 1:
            row[2] = "x"
        if i % 1009 == 2:
            row[13] = "omega"
        if i % 1013 == 3:
            row[17] = "ZZ12345"
        w.writerow(row)
