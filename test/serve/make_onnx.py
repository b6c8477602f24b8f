"""Regenerates the ONNX fixtures in examples/serve/onnx-* (committed, so tests need neither skl2onnx nor onnx)
and test/serve/fixtures/onnx-expected.json, what scikit-learn itself predicts for a probe table.

usage: pip install skl2onnx onnx && python3 test/serve/make_onnx.py
"""
import json
import os

import numpy as np
from skl2onnx import to_onnx
from sklearn.linear_model import LinearRegression, LogisticRegression

root = os.path.join(os.path.dirname(__file__), "..", "..")
rng = np.random.default_rng(11)
X = rng.normal(0, 1, (200, 3)).astype(np.float32)
columns = ["a", "b", "c"]
probe = X[:6]

reg = LinearRegression().fit(X, X @ np.array([1.5, -2.0, 0.5]) + 3)
clf = LogisticRegression().fit(X, (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1).astype(np.int64))
for name, model, options in [("onnx-regressor", reg, None), ("onnx-classifier", clf, {"zipmap": False})]:
    out = os.path.join(root, "examples", "serve", name)
    onx = to_onnx(model, X[:1], options={id(model): options} if options else None, target_opset=17)
    with open(os.path.join(out, "model.onnx"), "wb") as f:
        f.write(onx.SerializeToString())
    with open(os.path.join(out, "input_example.json"), "w") as f:
        json.dump({"dataframe_split": {"columns": columns, "data": probe[:2].tolist()}}, f)
with open(os.path.join(root, "test", "serve", "fixtures", "onnx-expected.json"), "w") as f:
    json.dump({"columns": columns, "data": probe.tolist(), "regressor": reg.predict(probe).tolist(), "classifier": clf.predict(probe).tolist()}, f)
