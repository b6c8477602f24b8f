"""A model with no dependencies beyond Python itself: y = 2*x1 - 0.5*x2 + 1.

The smallest thing `mlci serve` and build-serve-image take: a directory with predict.py defining
predict(records) -> list, where records is a list of dicts (one per row), plus input_example.json.
"""

CLASSES = None  # a classifier would list its labels here, so /metrics counts predictions per class


def predict(records):
    return [2.0 * float(r["x1"]) - 0.5 * float(r["x2"]) + 1.0 for r in records]
