"""mlci serve's Python worker: loads one model, then answers prediction requests in binary frames.

Protocol: length-prefixed frames on stdin (server -> worker) and on a private copy of stdout (worker -> server):
  frame  = u32 length (of what follows) | u8 kind | u32 id | body          (little-endian)
  server -> worker:
    kind 1 TABLE   body = u32 rows | u16 columns | per column: u16 name bytes | name (UTF-8) | u8 type | data
                   type 1 float64, 3 float64 cast to int64, 4 float64 cast to float32: rows x 8 bytes;
                   type 2 JSON: u32 bytes | a JSON list of the column's values (text, booleans, mixed)
    kind 2 JSON    body = {"tensor": [...]} as UTF-8 JSON (an array input)
  worker -> server:
    kind 1 FLOAT64 body = the predictions as float64 (numeric outputs: no JSON on the way back)
    kind 2 JSON    body = the predictions as a JSON list
    kind 3 ERROR   body = {"error": "...", "bad_input": bool}
    kind 4 HELLO   id 0, body = {"ready": true, "loader", "classes", "python", "pid", "cpu"} or {"fatal": "..."}
Anything the model prints goes to stderr, so a stray print() in user code cannot corrupt the stream.

With --convert OUT_DIR it instead converts an sklearn model to ONNX (skl2onnx): it reads a sample table
{"columns", "rows"} as JSON on stdin, writes candidate .onnx files to OUT_DIR and prints one JSON line: the
candidates (file, input layout), the model's own predictions for the sample (the server's parity check runs the
candidates in onnxruntime-node against these), whether the model accepts NaN, and the classes.
"""
import json
import math
import os
import struct
import sys
import traceback

protocol = os.fdopen(os.dup(1), "wb", buffering=0)
os.dup2(2, 1)
sys.stdout = sys.stderr

MODEL_DIR = sys.argv[1]
LOADER = sys.argv[2] if len(sys.argv) > 2 else "auto"
CONVERT_TO = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--convert" else None

HEAD = struct.Struct("<IBI")  # length, kind, id
K_TABLE, K_JSON = 1, 2
R_FLOAT64, R_JSON, R_ERROR, R_HELLO = 1, 2, 3, 4


def send(kind, ident, body):
    protocol.write(HEAD.pack(len(body) + 5, kind, ident) + body)


def send_json(kind, ident, message):
    send(kind, ident, json.dumps(message, allow_nan=False, default=str).encode("utf-8"))


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
        import pandas  # noqa: F401  (imported before "ready", so the first request does not pay for it)

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
    """predict.py gets plain Python values (no numpy or pandas import needed)."""
    if "tensor" in batch:
        return batch["tensor"]
    from array import array

    names, lists = [], []
    for name, (kind, data) in batch["columns"].items():
        names.append(name)
        if kind == 2:
            lists.append(data)
        else:
            values = array("d", data).tolist()
            lists.append([int(v) for v in values] if kind == 3 else values)
    return [dict(zip(names, row)) for row in zip(*lists)]


def frame_of(batch):
    import numpy as np

    if "tensor" in batch:
        return np.asarray(batch["tensor"])
    import pandas as pd

    columns = {}
    for name, (kind, data) in batch["columns"].items():
        if kind == 2:
            columns[name] = data
        else:
            values = np.frombuffer(data, dtype="<f8")
            columns[name] = values.astype("int64") if kind == 3 else values.astype("float32") if kind == 4 else values
    return pd.DataFrame(columns, columns=list(columns))


def read_exact(stream, n):
    data = stream.read(n)
    if data is None or len(data) < n:
        return None
    return data


def decode_table(body):
    """A TABLE frame's columns: name -> (type, float64 bytes or the JSON-decoded list)."""
    rows, ncols = struct.unpack_from("<IH", body, 0)
    at = 6
    columns = {}
    for _ in range(ncols):
        (size,) = struct.unpack_from("<H", body, at)
        at += 2
        name = body[at : at + size].decode("utf-8")
        at += size
        kind = body[at]
        at += 1
        if kind == 2:
            (size,) = struct.unpack_from("<I", body, at)
            at += 4
            columns[name] = (kind, json.loads(body[at : at + size]))
            at += size
        else:
            columns[name] = (kind, body[at : at + rows * 8])
            at += rows * 8
    return {"columns": columns}


def encode_predictions(predictions):
    """Numeric 1-D predictions travel as float64; anything else as JSON."""
    dtype = getattr(predictions, "dtype", None)
    if dtype is not None and getattr(predictions, "ndim", 0) == 1 and dtype.kind in "fiu":
        import numpy as np

        return R_FLOAT64, np.ascontiguousarray(predictions, dtype="<f8").tobytes()
    value = jsonable(predictions)
    if not isinstance(value, list):
        value = [value]
    return R_JSON, json.dumps(value, allow_nan=False, default=str).encode("utf-8")


def pin():
    """MLCI_WORKER_INDEX pins worker i to the i-th CPU this process may run on (one worker per core)."""
    index = os.environ.get("MLCI_WORKER_INDEX")
    if index is None or not hasattr(os, "sched_setaffinity"):
        return None
    try:
        cpus = sorted(os.sched_getaffinity(0))
        cpu = cpus[int(index) % len(cpus)]
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (OSError, ValueError) as error:
        print(f"mlci worker: cannot pin worker {index} to a CPU: {error}", file=sys.stderr)
        return None


def serve():
    try:
        loader, predict, classes = load()
    except Exception as error:  # any load failure is fatal and reported whole
        traceback.print_exc()
        send_json(R_HELLO, 0, {"fatal": f"{type(error).__name__}: {error}"})
        sys.exit(3)
    cpu = pin()
    hello = {"ready": True, "loader": loader, "classes": classes, "python": sys.version.split()[0], "pid": os.getpid(), "cpu": cpu}
    send_json(R_HELLO, 0, hello)
    stdin = sys.stdin.buffer
    while True:
        head = read_exact(stdin, 9)
        if head is None:
            return
        length, kind, ident = HEAD.unpack(head)
        body = read_exact(stdin, length - 5)
        if body is None:
            return
        try:
            batch = decode_table(body) if kind == K_TABLE else json.loads(body)
            out_kind, out = encode_predictions(predict(batch))
            send(out_kind, ident, out)
        except (ValueError, KeyError, TypeError) as error:
            # What models raise for inputs they cannot use: a client error, as MLflow reports it.
            send_json(R_ERROR, ident, {"error": f"{type(error).__name__}: {error}", "bad_input": True})
        except Exception as error:
            traceback.print_exc()
            send_json(R_ERROR, ident, {"error": f"{type(error).__name__}: {error}", "bad_input": False})


def estimators(model):
    """The model and every estimator nested in it (pipeline steps, column transformers, ensembles)."""
    yield model
    for attr in ("steps", "transformers", "transformers_", "estimators"):
        for item in getattr(model, attr, None) or []:
            inner = item[1] if isinstance(item, tuple) else item
            if hasattr(inner, "fit"):
                yield from estimators(inner)


def convert():
    """Writes ONNX candidates for an sklearn model and reports them with the model's own predictions."""
    import numpy as np
    import pandas as pd
    from sklearn.base import is_classifier

    report = {"candidates": [], "errors": []}
    try:
        mlmodel = read_mlmodel() or {}
        flavor = (mlmodel.get("flavors") or {}).get("sklearn")
        if flavor is None:
            raise RuntimeError("not an MLflow sklearn model")
        model = load_sklearn(flavor)
        import skl2onnx
        from skl2onnx import convert_sklearn
        from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, Int64TensorType, StringTensorType
    except Exception as error:
        traceback.print_exc()
        return report_line({"fatal": f"{type(error).__name__}: {error}"})
    sample = json.loads(sys.stdin.read())
    frame = pd.DataFrame(sample["rows"], columns=sample["columns"])
    for column in sample.get("integer_columns", []):
        frame[column] = frame[column].astype("int64")
    report["expected"] = jsonable(model.predict(frame))
    report["skl2onnx"] = skl2onnx.__version__
    classes = getattr(model, "classes_", None)
    report["classes"] = jsonable(classes) if classes is not None else None
    numeric = [c for c in frame.columns if frame[c].dtype.kind in "fiub"]
    try:
        probe = frame.head(1).copy()
        if numeric:
            probe[numeric[0]] = probe[numeric[0]].astype("float64")
            probe.iloc[0, list(frame.columns).index(numeric[0])] = np.nan
            model.predict(probe)
        report["nan"] = "accept"
    except Exception:
        report["nan"] = "reject"
    options = {id(e): {"zipmap": False} for e in estimators(model) if is_classifier(e)}
    width = len(frame.columns)
    layouts = []
    if len(numeric) == width:
        layouts += [("matrix", "float64", [("input", DoubleTensorType([None, width]))])]
        layouts += [("matrix", "float32", [("input", FloatTensorType([None, width]))])]

    def column_type(c):
        kind = frame[c].dtype.kind
        if kind == "f":
            return "float32", FloatTensorType([None, 1])
        if kind in "iub":
            return "int64", Int64TensorType([None, 1])
        return "string", StringTensorType([None, 1])

    per_column = [(c, *column_type(c)) for c in frame.columns]
    layouts.append(("columns", None, [(c, t) for c, _, t in per_column]))
    for n, (layout, dtype, initial) in enumerate(layouts):
        try:
            onx = convert_sklearn(model, initial_types=initial, options=options, target_opset=17)
        except Exception as error:
            report["errors"].append(f"{layout} {dtype or 'per-column'}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
            continue
        name = f"candidate-{n}.onnx"
        with open(os.path.join(CONVERT_TO, name), "wb") as f:
            f.write(onx.SerializeToString())
        entry = {"file": name, "layout": layout}
        if layout == "matrix":
            entry["dtype"] = dtype
        else:
            entry["inputs"] = [{"name": c, "dtype": d} for c, d, _ in per_column]
        report["candidates"].append(entry)
    report_line(report)


def report_line(message):
    protocol.write((json.dumps(message, allow_nan=False, default=str) + "\n").encode("utf-8"))


def main():
    if CONVERT_TO is not None:
        convert()
    else:
        serve()


main()
