"""A user-written model for `mlci serve`: a directory with predict.py defining predict(records) -> list.

This one doubles as the test fixture for worker failures: a record {"crash": 1} kills the worker process,
{"sleep": S} sleeps S seconds, {"fail": 1} raises; otherwise it returns x * 2.
"""
import os
import time


def predict(records):
    out = []
    for r in records:
        if r.get("crash"):
            os._exit(17)
        if r.get("sleep"):
            time.sleep(float(r["sleep"]))
        if r.get("fail"):
            raise RuntimeError("the model failed on purpose")
        print("stdout noise must not corrupt the protocol")
        out.append(float(r["x"]) * 2)
    return out
