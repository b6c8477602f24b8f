"""mlci serve's Python worker: loads one model, then answers prediction requests as JSON Lines.

Protocol (one JSON object a line):
  worker -> server, once:  {"ready": true, "loader": "...", "classes": [...] | null, "python": "3.x.y"}
                       or  {"fatal": "why the model could not be loaded"} and exit code 3
  server -> worker:        {"id": 1, "columns": ["a", "b"], "rows": [[1.0, 2.0], ...]}   (a table)
                       or  {"id": 1, "tensor": [[...], ...]}                           (an array input)
  worker -> server:        {"id": 1, "predictions": [...]}  or  {"id": 1, "error": "...", "bad_input": bool}
The protocol runs on a private copy of stdout: anything the model prints goes to stderr, so a stray
print() in user code cannot corrupt the stream.
"""
import json
import math
import os
import sys
import traceback

protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr

MODEL_DIR = sys.argv[1]
LOADER = sys.argv[2] if len(sys.argv) > 2 else "auto"


def send(message):
    protocol.write(json.dumps(message, allow_nan=False, default=str) + "\n")
    protocol.flush()


def jsonable(value):
    """numpy / pandas values to plain JSON (NaN and infinities become null, as JSON has neither)."""
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        return jsonable(value.to_dict(orient="records"))
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item"):
        return jsonable(value.item())
    return value


def read_mlmodel():
    path = os.path.join(MODEL_DIR, "MLmodel")
    if not os.path.exists(path):
        return None
    import yaml  # mlflow and scikit-learn installs bring PyYAML; only MLflow model directories need it

    with open(path) as f:
        return yaml.safe_load(f)


def load_sklearn(flavor):
    path = os.path.join(MODEL_DIR, flavor["pickled_model"])
    fmt = flavor.get("serialization_format", "cloudpickle")
    if fmt == "skops":
        import skops.io

        return skops.io.load(path, trusted=flavor.get("skops_trusted_types"))
    if fmt == "cloudpickle":
        try:
            import cloudpickle as pickle
        except ImportError:
            import pickle
    else:
        import pickle
    with open(path, "rb") as f:
        return pickle.load(f)


def load():
    """Returns (loader name, predict(batch) -> list, classes or None)."""
    user = os.path.join(MODEL_DIR, "predict.py")
    if LOADER in ("auto", "predict.py") and os.path.exists(user):
        import importlib.util

        sys.path.insert(0, MODEL_DIR)
        spec = importlib.util.spec_from_file_location("mlci_user_predict", user)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if not callable(getattr(module, "predict", None)):
            raise RuntimeError("predict.py defines no predict(records) function")
        return "predict.py", lambda batch: module.predict(records_of(batch)), getattr(module, "CLASSES", None)
    mlmodel = read_mlmodel()
    if mlmodel is None:
        raise RuntimeError(f"{MODEL_DIR} has neither an MLmodel file nor a predict.py")
    flavors = mlmodel.get("flavors") or {}
    if LOADER in ("auto", "sklearn") and "sklearn" in flavors:
        model = load_sklearn(flavors["sklearn"])
        classes = getattr(model, "classes_", None)
        return "sklearn", lambda batch: model.predict(frame_of(batch)), (jsonable(classes) if classes is not None else None)
    if LOADER in ("auto", "pyfunc") and "python_function" in flavors:
        try:
            import mlflow.pyfunc
        except ImportError:
            raise RuntimeError("this MLflow model needs mlflow.pyfunc to load, and mlflow is not importable here: pip install mlflow")
        model = mlflow.pyfunc.load_model(MODEL_DIR)
        return "pyfunc", lambda batch: model.predict(frame_of(batch)), None
    raise RuntimeError(f"no loader for this model (flavors: {', '.join(flavors) or 'none'}; loader asked: {LOADER})")


def records_of(batch):
    if "tensor" in batch:
        return batch["tensor"]
    columns = batch["columns"]
    return [dict(zip(columns, row)) for row in batch["rows"]]


def frame_of(batch):
    if "tensor" in batch:
        import numpy as np

        return np.asarray(batch["tensor"])
    import pandas as pd

    return pd.DataFrame(batch["rows"], columns=batch["columns"])


def main():
    try:
        loader, predict, classes = load()
    except Exception as error:  # any load failure is fatal and reported whole
        traceback.print_exc()
        send({"fatal": f"{type(error).__name__}: {error}"})
        sys.exit(3)
    send({"ready": True, "loader": loader, "classes": classes, "python": sys.version.split()[0], "pid": os.getpid()})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            predictions = jsonable(predict(request))
            if not isinstance(predictions, list):
                predictions = [predictions]
            send({"id": request["id"], "predictions": predictions})
        except (ValueError, KeyError, TypeError) as error:
            # What models raise for inputs they cannot use: a client error, as MLflow reports it.
            send({"id": request["id"], "error": f"{type(error).__name__}: {error}", "bad_input": True})
        except Exception as error:
            traceback.print_exc()
            send({"id": request["id"], "error": f"{type(error).__name__}: {error}", "bad_input": False})


main()
