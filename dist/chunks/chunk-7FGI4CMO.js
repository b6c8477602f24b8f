import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as C,p as pe}from"./chunk-MDTHXPDW.js";import{a as k,b as me,c as O,g as Z,l as P}from"./chunk-SF7SS2Q5.js";import{spawn as ut}from"node:child_process";import{createHash as ve}from"node:crypto";import{mkdir as dt,mkdtemp as mt,readFile as _e,readdir as pt,rename as $e,rm as oe,writeFile as ke}from"node:fs/promises";import{homedir as ft,tmpdir as ht}from"node:os";import{join as S,relative as gt}from"node:path";import{createRequire as Xe}from"node:module";import{join as he}from"node:path";import{pathToFileURL as Ke}from"node:url";function q(t,e){let r=fe.get(t);if(r)return r;let n=e?.kind==="columns"?new Map(e.columns.map(i=>[i.name,i.type])):null,o=t.rows.length,s=t.columns.map((i,a)=>{let l=n?.get(i);if(l==="string"||l==="boolean"||l==="binary"||l==="datetime")return{name:i,kind:"values",values:t.rows.map(m=>m[a])};let c=new Float64Array(o),u=l==="long"||l==="integer"||l===void 0,d=!1;for(let m=0;m<o;m++){let p=t.rows[m][a];if(typeof p=="number")c[m]=p,u&&!Number.isInteger(p)&&(u=!1);else if(p==null)c[m]=NaN,d=!0,u=!1;else return{name:i,kind:"values",values:t.rows.map(f=>f[a])}}return(l==="double"||l==="float")&&(u=!1),{name:i,kind:"number",values:c,integer:u,float32:l==="float",hasNaN:d}});return fe.set(t,s),s}var fe=new WeakMap;var b=class extends Error{constructor(r,n,o=r===400?"BAD_REQUEST":r===413?"RESOURCE_LIMIT_EXCEEDED":r>=500?"INTERNAL_ERROR":"BAD_REQUEST"){super(n);this.status=r;this.errorCode=o;this.name="HttpError"}status;errorCode;body(){return JSON.stringify({error_code:this.errorCode,message:this.message})}};var N=class extends Error{constructor(r,n){super(n);this.reason=r;this.name="PredictError"}reason};var ee="onnxruntime-node";async function te(){try{let t=ee,e=await import(t).catch(()=>import(Ke(Xe(he(process.cwd(),"package.json")).resolve(t)).href));return e.InferenceSession?e:e.default}catch(t){throw new k("input",`ONNX models need the ${ee} package, which is not installed here (${t.message.split(`
`)[0]})`,{hint:`ONNXRUNTIME_NODE_INSTALL=skip npm install ${ee} (the CPU runtime ships inside the package; "skip" avoids its optional GPU download)`})}}var I=class{constructor(e,r={}){this.model=e;this.options=r}model;options;session=null;ort=null;closing=!1;busy=0;async start(){this.ort=await te();let e=this.options.converted?.file??he(this.model.dir,this.model.onnxFile??"model.onnx");try{this.session=await this.ort.InferenceSession.create(e,{intraOpNumThreads:this.options.threads??1,interOpNumThreads:1})}catch(o){throw new k("input",`onnxruntime cannot load the model: ${o.message}`,{file:e})}let r=this.ort.env?.versions,n=this.options.converted;return{loader:n?this.model.loader:"onnx",classes:n?.classes??null,runtime:`onnxruntime-node ${r?.node??r?.common??""}`.trim(),path:"onnx"}}isReady(){return!!this.session&&!this.closing}async predict(e){if(!this.session||!this.ort||this.closing)throw new N("unavailable","the ONNX session is not open");let r=this.options.converted?this.convertedFeeds(e,this.options.converted):this.feeds(e);this.busy++;try{let n=this.session.outputNames[0],o=await this.session.run(r,[n]);return Ze(o[n])}catch(n){throw n instanceof b||n instanceof N?n:new N("bad_input",`onnxruntime rejected the input: ${n.message}`)}finally{this.busy--}}stats(){return{restarts:0,queued:0,busy:this.busy,workers:this.session?1:0}}async close(){this.closing=!0,await this.session?.release(),this.session=null}convertedFeeds(e,r){let n=this.ort;if(e.kind==="tensor"){let u=e.data;if(!u.every(d=>Array.isArray(d)&&d.length===r.columns.length))throw new b(400,`this model takes rows of ${r.columns.length} values (${r.columns.join(", ")})`);e={kind:"table",columns:r.columns,rows:u}}let o=q(e,this.model.signature),s=new Map(o.map(u=>[u.name,u])),i=e.rows.length,a=u=>{let d=s.get(u);if(!d)throw new b(400,`missing column '${u}' (the model was fitted on: ${r.columns.join(", ")})`);return d},l=u=>{let d=a(u);if(d.kind!=="number"){let m=d.values.findIndex(p=>typeof p!="number"&&p!==null);throw new b(400,`column '${u}' row ${m}: expected a number, got ${JSON.stringify(d.values[m])}`)}if(d.hasNaN&&r.nan==="reject")throw new N("bad_input",`ValueError: Input X contains NaN (column '${u}' row ${d.values.findIndex(Number.isNaN)}); this model does not accept missing values`);return d.values};if(r.layout==="matrix"){let u=r.columns.length,d=r.dtype==="float32"?new Float32Array(i*u):new Float64Array(i*u);return r.columns.forEach((m,p)=>{let f=l(m);for(let g=0;g<i;g++)d[g*u+p]=f[g]}),{input:new n.Tensor(r.dtype??"float64",d,[i,u])}}let c={};for(let u of r.inputs??[])if(u.dtype==="string"){let d=a(u.name),m=d.kind==="number"?Array.from(d.values,String):d.values.map(p=>p==null?"":String(p));c[u.name]=new n.Tensor("string",m,[i,1])}else if(u.dtype==="int64"){let d=l(u.name);c[u.name]=new n.Tensor("int64",BigInt64Array.from(d,m=>BigInt(Math.trunc(m))),[i,1])}else c[u.name]=new n.Tensor("float32",Float32Array.from(l(u.name)),[i,1]);return c}feeds(e){let r=this.session,n=this.ort,o=Array.isArray(r.inputMetadata)?r.inputMetadata:[],s=u=>o.find(d=>d.name===u)?.type??"float32",i=(u,d,m,p)=>{let f=d.findIndex(g=>u==="string"?typeof g!="string":typeof g!="number"&&typeof g!="boolean");if(f>=0)throw new b(400,`${p}: value ${f} (flattened) is ${JSON.stringify(d[f])}; the ONNX input is ${u}`);if(u==="float32")return new n.Tensor("float32",Float32Array.from(d),m);if(u==="float64")return new n.Tensor("float64",Float64Array.from(d),m);if(u==="int64")return new n.Tensor("int64",BigInt64Array.from(d.map(g=>BigInt(Math.trunc(g)))),m);if(u==="int32")return new n.Tensor("int32",Int32Array.from(d),m);if(u==="string")return new n.Tensor("string",d,m);throw new b(400,`the ONNX input type ${u} is not supported by mlci serve`)},a=r.inputNames;if(e.kind==="tensor"){let u=Qe(e.data);return{[a[0]]:i(s(a[0]),e.data.flat(u.length),u,a[0])}}let l=e.rows.length;if(a.length>1||a.length===1&&e.columns.length===1&&e.columns[0]===a[0]){let u={};for(let d of a){let m=e.columns.indexOf(d);if(m<0)throw new b(400,`missing column '${d}' (the ONNX model's inputs are: ${a.join(", ")})`);u[d]=i(s(d),e.rows.map(p=>p[m]),[l,1],`column '${d}'`)}return u}let c=e.columns.length;return{[a[0]]:i(s(a[0]),e.rows.flat(),[l,c],a[0])}}};function Qe(t){let e=[t.length];for(let r=t[0];Array.isArray(r);r=r[0])e.push(r.length);return e}function Ze(t){let e=Array.from(t.data,o=>typeof o=="bigint"?Number(o):o),r=t.dims.length===2&&t.dims[1]===1?[t.dims[0]]:[...t.dims],n=(o,s)=>{if(s===r.length-1)return e.slice(o,o+r[s]);let i=r.slice(s+1).reduce((a,l)=>a*l,1);return Array.from({length:r[s]},(a,l)=>n(o+l*i,s+1))};return r.length?n(0,0):e}var ne=["dataframe_split","dataframe_records","instances","inputs"],ge=["application/json","text/csv"];function F(t,e,r){let[n,...o]=(e??"").split(";").map(i=>i.trim().toLowerCase());for(let i of o){let[a,l]=i.split("=").map(c=>c.trim());if(a!=="charset")throw new b(415,`Unrecognized content type parameters: ${a}`);if(l.replace(/"/g,"")!=="utf-8")throw new b(415,"The scoring server only supports UTF-8")}if(!ge.includes(n))throw new b(415,`This predictor only supports the following content types: ${ge.join(", ")}. Got '${e??""}'.`);let s=et(t);return n==="text/csv"?ot(s,r):tt(s,r)}function et(t){try{return new TextDecoder("utf-8",{fatal:!0}).decode(t)}catch{throw new b(400,"Ensure that input is a valid UTF-8 encoded string")}}function tt(t,e){let r;try{r=JSON.parse(t)}catch(i){throw new b(400,`Ensure that input is a valid JSON formatted string. Error: ${i.message}`)}if(!r||typeof r!="object"||Array.isArray(r))throw new b(400,`The input must be a JSON dictionary with exactly one of the input fields {${ne.map(i=>`'${i}'`).join(", ")}}. Received ${Array.isArray(r)?"a list":typeof r}.`);let n=Object.keys(r).filter(i=>ne.includes(i));if(n.length!==1)throw new b(400,`The input must be a JSON dictionary with exactly one of the input fields {${ne.map(i=>`'${i}'`).join(", ")}}. Received dictionary with input fields: [${Object.keys(r).map(i=>`'${i}'`).join(", ")}].`);let o=n[0],s=r[o];switch(o){case"dataframe_split":return nt(s,e);case"dataframe_records":if(!Array.isArray(s)||!s.every(J))throw new b(400,"dataframe_records must be a list of objects, one per row");return ye(s);default:return rt(o,s)}}function nt(t,e){if(!J(t)||!Array.isArray(t.data))throw new b(400,'dataframe_split must be an object with "data" (a list of rows) and usually "columns"');let r=t.data,n=r.findIndex(i=>!Array.isArray(i));if(n>=0)throw new b(400,`dataframe_split.data[${n}] is not a list of values`);let o;if(t.columns===void 0){let i=r.length?r[0].length:0;o=e?.kind==="columns"&&e.columns.length===i?e.columns.map(a=>a.name):Array.from({length:i},(a,l)=>String(l))}else if(Array.isArray(t.columns))o=t.columns.map(String);else throw new b(400,"dataframe_split.columns must be a list of column names");let s=r.findIndex(i=>i.length!==o.length);if(s>=0)throw new b(400,`dataframe_split.data[${s}] has ${r[s].length} values for ${o.length} columns`);return{kind:"table",columns:o,rows:r}}function ye(t){let e=[],r=new Set;for(let n of t)for(let o of Object.keys(n))r.has(o)||(r.add(o),e.push(o));return{kind:"table",columns:e,rows:t.map(n=>e.map(o=>o in n?n[o]:null))}}function rt(t,e){if(Array.isArray(e))return e.length&&e.every(J)?ye(e):{kind:"tensor",data:e};if(J(e)){let r=Object.keys(e),n=r.map(s=>Array.isArray(e[s])?e[s]:[e[s]]),o=n[0]?.length??0;if(n.some(s=>s.length!==o))throw new b(400,`${t}: every column must hold the same number of values`);return{kind:"table",columns:r,rows:Array.from({length:o},(s,i)=>n.map(a=>a[i]))}}throw new b(400,`${t} must be a list (rows or an array) or an object of column -> values`)}function ot(t,e){let r=it(t);if(r.length===0)throw new b(400,"Failed to parse input as a CSV table: the body is empty (a header row is required)");let[n,...o]=r,s=new Map(e?.kind==="columns"?e.columns.map(a=>[a.name,a.type]):[]),i=o.map((a,l)=>{if(a.length!==n.length)throw new b(400,`CSV row ${l+2} has ${a.length} fields; the header has ${n.length}`);return a.map((c,u)=>st(c,s.get(n[u])))});return{kind:"table",columns:n,rows:i}}function st(t,e){if(e==="string"||e==="binary"||e==="datetime")return t;if(t==="")return null;if(e==="boolean")return t==="True"||t==="true"?!0:t==="False"||t==="false"?!1:t;let r=Number(t);return e?Number.isNaN(r)&&!/^nan$/i.test(t)?t:r:t.trim()!==""&&!Number.isNaN(r)?r:t}function it(t){let e=[],r=[],n="",o=!1;for(let s=0;s<t.length;s++){let i=t[s];o?i==='"'&&t[s+1]==='"'?(n+='"',s++):i==='"'?o=!1:n+=i:i==='"'?o=!0:i===","?(r.push(n),n=""):i===`
`||i==="\r"?(i==="\r"&&t[s+1]===`
`&&s++,r.push(n),e.push(r),r=[],n=""):n+=i}if(o)throw new b(400,"Failed to parse input as a CSV table: a quoted field is not closed");return(n!==""||r.length)&&(r.push(n),e.push(r)),e.filter(s=>!(s.length===1&&s[0]===""))}var J=t=>!!t&&typeof t=="object"&&!Array.isArray(t);function we(t,e){if(t==null)return null;let r;try{r=typeof t=="string"?JSON.parse(t):t}catch(n){throw O(`signature.inputs is not valid JSON: ${n.message}`,{file:e})}if(!Array.isArray(r)||r.length===0)throw O("signature.inputs must be a non-empty list",{file:e});return r.every(n=>n?.type==="tensor")?{kind:"tensors",tensors:r.map(n=>({...n.name?{name:String(n.name)}:{},dtype:String(n["tensor-spec"]?.dtype??"float64"),shape:(n["tensor-spec"]?.shape??[-1]).map(Number)}))}:{kind:"columns",columns:r.map((n,o)=>{if(typeof n?.type!="string")throw O(`signature.inputs[${o}] has no type`,{file:e});return{name:typeof n.name=="string"?n.name:String(o),type:n.type,required:n.required!==!1}})}}var at=new Set(["double","float","long","integer"]);function U(t,e){if(!e)return t;if(e.kind==="tensors")return t.kind==="table"||ct(t.data,e.tensors[0]),t;let r=e.columns;if(t.kind==="tensor"){let a=t.data;if(!a.every(Array.isArray))throw R(`this model takes named columns (${re(r)}); send dataframe_split, dataframe_records or a list of objects`);let l=a.findIndex(c=>c.length!==r.length);if(l>=0)throw R(`row ${l} has ${a[l].length} values; the model's signature has ${r.length} columns (${re(r)})`);t={kind:"table",columns:r.map(c=>c.name),rows:a}}let n=new Map(t.columns.map((a,l)=>[a,l])),o=r.filter(a=>n.has(a.name)),s=r.filter(a=>a.required&&!n.has(a.name));if(s.length)throw R(`missing column${s.length>1?"s":""} ${s.map(a=>`'${a.name}'`).join(", ")} (the model's signature requires: ${re(r.filter(a=>a.required))})`);let i=t.rows.map((a,l)=>o.map(c=>{let u=a[n.get(c.name)];return lt(u,c,l),u}));return{kind:"table",columns:o.map(a=>a.name),rows:i}}function lt(t,e,r){let n=`column '${e.name}' row ${r}`;if(t==null){if(e.type==="double"||e.type==="float"||!e.required)return;throw R(`${n}: missing value; the signature says ${e.type} and required`)}let o=be(t);if(at.has(e.type)){if(typeof t!="number")throw R(`${n}: expected ${e.type}, got ${o}`);if((e.type==="long"||e.type==="integer")&&!Number.isInteger(t))throw R(`${n}: expected ${e.type} (a whole number), got ${o}`);return}if(e.type==="boolean"&&typeof t!="boolean")throw R(`${n}: expected boolean, got ${o}`);if((e.type==="string"||e.type==="binary")&&typeof t!="string")throw R(`${n}: expected ${e.type}, got ${o}`);if(e.type==="datetime"&&(typeof t!="string"||Number.isNaN(Date.parse(t))))throw R(`${n}: expected a datetime (ISO 8601 text), got ${o}`)}function ct(t,e){if(!e)return;let r=[t.length];for(let n=t[0];Array.isArray(n);n=n[0])r.push(n.length);if(r.length!==e.shape.length)throw R(`input has shape [${r.join(", ")}]; the model's signature expects ${e.shape.length} dimensions [${e.shape.join(", ")}]`);if(e.shape.forEach((n,o)=>{if(n>=0&&r[o]!==n)throw R(`input dimension ${o} is ${r[o]}; the model's signature expects ${n} (shape [${e.shape.join(", ")}])`)}),/^(float|int|uint)/.test(e.dtype)){let n=t.flat(e.shape.length),o=n.findIndex(s=>typeof s!="number");if(o>=0)throw R(`input element ${o} (flattened) is ${be(n[o])}; the model's signature expects ${e.dtype}`)}}var re=t=>t.map(e=>e.name).join(", ");function be(t){return typeof t=="string"?`string ${JSON.stringify(t.length>40?t.slice(0,40)+"\u2026":t)}`:typeof t=="number"?`${Number.isInteger(t)?"integer":"number"} ${t}`:Array.isArray(t)?"a list":t&&typeof t=="object"?"an object":`${typeof t} ${String(t)}`}var R=t=>new b(400,t);var H=`"""mlci serve's Python worker: loads one model, then answers prediction requests in binary frames.

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
    protocol.write((json.dumps(message, allow_nan=False, default=str) + "\\n").encode("utf-8"))


def main():
    if CONVERT_TO is not None:
        convert()
    else:
        serve()


main()
`;var yt="mlci-skl2onnx-1",wt=64,bt=()=>process.env.MLCI_ONNX_CACHE??S(process.env.XDG_CACHE_HOME??S(ft(),".cache"),"mlci","onnx");async function vt(t){let e=ve("sha256").update(yt),r=async n=>{let o=[];for(let s of await pt(n,{withFileTypes:!0})){if(s.name==="__pycache__"||s.name===".git")continue;let i=S(n,s.name);s.isDirectory()?o.push(...await r(i)):s.isFile()&&o.push(i)}return o};for(let n of(await r(t)).sort())e.update(gt(t,n)).update("\0"),e.update(ve("sha256").update(await _e(n)).digest()).update("\0");return e.digest("hex").slice(0,32)}async function Ee(t,e={}){let r=e.logger??P,n=await vt(t.dir),o=e.cacheDir??bt(),s=S(o,n),i=await Oe(s);if(i)return i.ok?{ok:!0,converted:{...i.converted,file:S(s,"model.onnx")},key:n,cached:!0,parity:i.parity,dir:s}:{ok:!1,reason:i.reason,key:n,cached:!0};let a=_t(t);if(typeof a=="string")return{ok:!1,reason:a,key:n,cached:!1};let l=await mt(S(await xt(o).catch(()=>ht()),".convert-")),c=!1;try{let u=await $t(t,a,l,e);if(u.fatal)return{ok:!1,reason:`the converter could not run: ${u.fatal}`,key:n,cached:!1};let d=u.candidates??[],m=[...u.errors??[]];for(let g of d){let h=g.layout==="matrix"?`matrix ${g.dtype}`:"per-column inputs",y={file:S(l,g.file),layout:g.layout,...g.dtype?{dtype:g.dtype}:{},...g.inputs?{inputs:g.inputs}:{},columns:a.batch.columns,classes:u.classes??null,nan:u.nan??"reject"},w=await Et(t,y,a.batch,u.expected??[],g.dtype==="float32"?1e-4:1e-6);if(typeof w=="string"){m.push(`${h}: ${w}`);continue}let v={...w,candidate:h};await $e(y.file,S(l,"model.onnx"));let{file:x,..._}=y;await ke(S(l,"meta.json"),JSON.stringify({ok:!0,converted:_,parity:v,skl2onnx:u.skl2onnx}));for(let E of d)await oe(S(l,E.file),{force:!0});let $=await xe(l,s,r);return c=$===l,{ok:!0,converted:{...y,file:S($,"model.onnx")},key:n,cached:!1,parity:v,dir:$}}let p=d.length?`no ONNX conversion matched scikit-learn's predictions (${m.join("; ")})`:`skl2onnx could not convert the model (${kt(m)||"no candidate"})`;for(let g of d)await oe(S(l,g.file),{force:!0});return await ke(S(l,"meta.json"),JSON.stringify({ok:!1,reason:p,skl2onnx:u.skl2onnx})),c=await xe(l,s,r)===l,{ok:!1,reason:p,key:n,cached:!1}}finally{c||await oe(l,{recursive:!0,force:!0})}}function kt(t){let e=new Set(t.map(r=>r.slice(r.indexOf(": ")+2)));return e.size===1?[...e][0]:t.join("; ")}async function Oe(t){try{return JSON.parse(await _e(S(t,"meta.json"),"utf8"))}catch{return null}}var xt=async t=>(await dt(t,{recursive:!0}),t);async function xe(t,e,r){try{return await $e(t,e),e}catch(n){let o=n.code;return(o==="ENOTEMPTY"||o==="EEXIST")&&await Oe(e)?e:(r.warn(`cannot cache the ONNX conversion in ${e} (${n.message}); it is used from ${t} for this run`),t)}}function _t(t){let e=t.signature;if(e?.kind==="tensors")return"the model has a tensor signature (only column signatures are converted)";let r=null;if(t.inputExample)try{let p=U(F(Buffer.from(JSON.stringify(t.inputExample)),"application/json",e),e);p.kind==="table"&&p.rows.length&&(r=p)}catch{r=null}let n=e?.kind==="columns"?e.columns:null,o=new Set(["double","float","long","integer"]);if(!r){if(!n)return"no input example and no signature to check the conversion on";if(!n.every(p=>o.has(p.type)))return"no input example, and the signature has non-numeric columns to generate";r={kind:"table",columns:n.map(p=>p.name),rows:[n.map(()=>0)]}}let s=r.columns,i=p=>n?.find(f=>f.name===p)?.type,a=s.filter((p,f)=>{let g=i(p);return g?g==="long"||g==="integer":r.rows.every(h=>Number.isInteger(h[f]))}),l=s.map((p,f)=>i(p)?o.has(i(p)):r.rows.every(g=>typeof g[f]=="number")),c=2654435769,u=()=>(c=Math.imul(c^c>>>15,739982445)+1831565813|0,(c>>>0)%1e6/1e6),d=()=>Math.sqrt(-2*Math.log(1-u()))*Math.cos(2*Math.PI*u()),m=[...r.rows];for(let p=0;p<wt;p++){let f=r.rows[p%r.rows.length];m.push(f.map((g,h)=>{if(!l[h]||typeof g!="number")return g;let y=g+d()*Math.max(Math.abs(g)*.25,.5);return a.includes(s[h])?Math.round(y):y}))}return{batch:{kind:"table",columns:s,rows:m},integerColumns:a}}function $t(t,e,r,n){let o=n.python??process.env.MLCI_PYTHON??"python3",s=n.logger??P;return new Promise(i=>{let a=ut(o,["-c",H,t.dir,"sklearn","--convert",r],{stdio:["pipe","pipe","pipe"],env:{...process.env,PYTHONUNBUFFERED:"1",OMP_NUM_THREADS:"1",OPENBLAS_NUM_THREADS:"1"}}),l="",c="",u=setTimeout(()=>a.kill("SIGKILL"),n.timeoutMs??12e4);a.stdout.on("data",d=>l+=d),a.stderr.on("data",d=>c+=d),a.stdin.on("error",()=>{}),a.once("error",d=>{clearTimeout(u),i({fatal:`cannot start ${o}: ${d.message}`})}),a.once("close",(d,m)=>{clearTimeout(u);let p=l.trim().split(`
`).pop()??"";try{let f=JSON.parse(p);f.fatal&&s.debug(`[onnx convert] ${c.trim().split(`
`).slice(-5).join(" | ")}`),i(f)}catch{i({fatal:`the converter exited ${d??m}: ${c.trim().split(`
`).slice(-3).join(" | ")||"no output"}`})}}),a.stdin.end(JSON.stringify({columns:e.batch.columns,rows:e.batch.rows,integer_columns:e.integerColumns}))})}async function Et(t,e,r,n,o){let s=new I(t,{converted:e});try{await s.start();let i=await s.predict(r);if(i.length!==n.length)return`${i.length} predictions for ${n.length} rows`;let a=0;for(let l=0;l<i.length;l++){let[c,u]=[i[l],n[l]];if(typeof c=="number"&&typeof u=="number"){let d=Math.abs(c-u);if(a=Math.max(a,d),!(d<=o*Math.max(1,Math.abs(u))))return`row ${l}: onnx ${c}, sklearn ${u}`}else if(JSON.stringify(c)!==JSON.stringify(u))return`row ${l}: onnx ${JSON.stringify(c)}, sklearn ${JSON.stringify(u)}`}return{rows:i.length,maxAbsDiff:a}}catch(i){return`onnxruntime: ${i.message.split(`
`)[0]}`}finally{await s.close()}}import{readFile as Ot,readdir as Nt,stat as St}from"node:fs/promises";import{basename as Tt,dirname as Rt,join as D,resolve as Mt}from"node:path";var G="a model directory is one of: an MLflow model directory (MLmodel + model.pkl/model.skops), a directory with predict.py defining predict(records), or a directory holding one .onnx file (a path to the .onnx file works too)",Pt=new Set(["sklearn","pyfunc","predict.py","onnx"]);async function j(t,e={}){let r=Mt(t),n=await St(r).catch(()=>null);if(!n)throw O("no such model directory",{file:t,hint:G});if(e.loader&&!Pt.has(e.loader))throw O(`unknown loader "${e.loader}"`,{hint:"use one of sklearn, pyfunc, predict.py, onnx"});let o=n.isDirectory()?r:Rt(r);if(!n.isDirectory()&&!r.endsWith(".onnx"))throw O("is a file, expected a model directory or an .onnx file",{file:t,hint:G});let s=await Nt(o).catch(h=>{throw Z(t,h)}),i=h=>s.includes(h),a=i("MLmodel")?await It(D(o,"MLmodel")):null,l=a?Object.keys(a.flavors??{}):[],c=s.filter(h=>h.endsWith(".onnx")),u=a?.flavors?.onnx,d=n.isDirectory()?typeof u?.data=="string"?u.data:c.length===1?c[0]:void 0:Tt(r),m=[];i("predict.py")&&m.push("predict.py"),(!n.isDirectory()||u)&&m.push("onnx"),l.includes("sklearn")&&m.push("sklearn"),l.includes("python_function")&&m.push("pyfunc"),!a&&d&&m.push("onnx");let p=e.loader?e.loader:m[0];if(!p)throw O(`cannot tell how to serve this model${c.length>1?` (${c.length} .onnx files; name one)`:""}`,{file:t,hint:G});if(e.loader&&!m.includes(p)&&!(p==="onnx"&&d))throw O(`the ${p} loader does not fit this directory (it fits: ${m.join(", ")||"none"})`,{file:t,hint:G});let f=a?.signature?.inputs,g=we(f,D(o,"MLmodel"));return{dir:o,loader:p,runtime:p==="onnx"?"onnx":"python",...p==="onnx"?{onnxFile:d}:{},flavors:l,signature:g,inputExample:await At(o,s),requirements:i("requirements.txt")?Lt(await se(D(o,"requirements.txt"))):[],...typeof a?.mlflow_version=="string"?{mlflowVersion:a.mlflow_version}:{}}}var se=t=>Ot(t,"utf8").catch(e=>{throw Z(t,e)});async function It(t){let e=await se(t);try{let r=pe(e,t);if(!r||typeof r!="object")throw new Error("not a YAML mapping");return r}catch(r){throw O(`MLmodel is not valid YAML: ${r.message}`,{file:t,hint:"MLflow writes this file; re-save the model with mlflow.<flavor>.save_model"})}}var Ne=["dataframe_split","dataframe_records","instances","inputs"];async function At(t,e){let r=async n=>e.includes(n)?JSON.parse(await se(D(t,n))):void 0;try{let n=await r("serving_input_example.json");if(n&&typeof n=="object"&&Ne.some(s=>s in n))return n;let o=await r("input_example.json");return o===void 0?null:o&&typeof o=="object"&&!Array.isArray(o)?Ne.some(s=>s in o)?o:Array.isArray(o.data)?{dataframe_split:o}:{dataframe_records:[o]}:Array.isArray(o)?o.every(s=>s&&typeof s=="object"&&!Array.isArray(s))?{dataframe_records:o}:{inputs:o}:null}catch(n){throw n instanceof k?n:O(`the input example is not valid JSON: ${n.message}`,{file:D(t,"input_example.json")})}}function Lt(t){return t.split(`
`).map(e=>e.replace(/#.*/,"").trim()).filter(Boolean)}import{spawn as Bt}from"node:child_process";import{createInterface as Ct}from"node:readline";var Dt=1,jt=2,Te=1,qt=2,Jt=3,Ft=4,ie=class{constructor(e){this.onFrame=e}onFrame;chunks=[];size=0;push(e){for(this.chunks.push(e),this.size+=e.length;this.size>=4;){let r=this.chunks[0];r.length<4&&(r=this.flatten());let n=r.readUInt32LE(0);if(this.size<4+n)return;let o=this.chunks.length===1?r:this.flatten(),s=o.subarray(4,4+n),i=o.subarray(4+n);this.chunks=i.length?[i]:[],this.size=i.length,this.onFrame(s[0],s.readUInt32LE(1),s.subarray(5))}}flatten(){let e=Buffer.concat(this.chunks,this.size);return this.chunks=[e],e}};function Ut(t,e,r){if(e.kind==="tensor"){let c=Buffer.from(JSON.stringify({tensor:e.data}));return Se(jt,t,c)}let n=q(e,r),o=e.rows.length,s=n.map(c=>{let u=Buffer.from(c.name);if(c.kind==="number"){let p=c.integer?3:c.float32?4:1;return{name:u,type:p,data:Buffer.from(c.values.buffer,c.values.byteOffset,c.values.byteLength)}}let d=Buffer.from(JSON.stringify(c.values)),m=Buffer.allocUnsafe(4+d.length);return m.writeUInt32LE(d.length,0),d.copy(m,4),{name:u,type:2,data:m}}),i=6+s.reduce((c,u)=>c+2+u.name.length+1+u.data.length,0),a=Buffer.allocUnsafe(i);a.writeUInt32LE(o,0),a.writeUInt16LE(s.length,4);let l=6;for(let c of s)a.writeUInt16LE(c.name.length,l),l+=2+c.name.copy(a,l+2),a[l++]=c.type,l+=c.data.copy(a,l);return Se(Dt,t,a)}function Se(t,e,r){let n=Buffer.allocUnsafe(9);return n.writeUInt32LE(r.length+5,0),n[4]=t,n.writeUInt32LE(e>>>0,5),Buffer.concat([n,r])}function Ht(t,e){if(t===Te){let r=new Float64Array(e.buffer.slice(e.byteOffset,e.byteOffset+e.length));return Array.from(r,n=>Number.isFinite(n)?n:null)}return JSON.parse(e.toString("utf8"))}var ae=class{constructor(e,r,n,o,s,i){this.index=o;this.logger=s;this.child=Bt(r,["-u","-c",H,e.dir,e.loader],{stdio:["pipe","pipe","pipe"],env:n}),this.exited=new Promise(l=>this.child.once("exit",c=>l(c)));let a=[];Ct({input:this.child.stderr}).on("line",l=>{a.push(l),a.length>20&&a.shift(),s?.info(`[python ${this.child.pid}] ${l}`)}),this.child.stdin.on("error",()=>{}),this.info=new Promise((l,c)=>{this.child.once("error",d=>c(new k("input",`cannot start ${r}: ${d.message}`,{hint:"install Python 3 or point --python / MLCI_PYTHON at it"}))),this.exited.then(d=>c(new k("input",`the Python worker exited (code ${d}) before the model loaded${a.length?`:
  ${a.slice(-8).join(`
  `)}`:""}`)));let u=new ie((d,m,p)=>{if(d!==Ft)return i(this,d,m,p);let f;try{f=JSON.parse(p.toString("utf8"))}catch{return s?.warn(`[python ${this.child.pid}] unreadable hello frame`)}f.ready?(this.ready=!0,l({loader:e.loader,classes:f.classes??null,runtime:`python ${f.python}`,path:"python",pid:this.child.pid,cpu:typeof f.cpu=="number"?f.cpu:null})):typeof f.fatal=="string"&&c(new k("input",`the model could not be loaded: ${f.fatal}`,{file:e.dir,hint:"the Python worker log above has the traceback; check the model's requirements are installed"}))});this.child.stdout.on("data",d=>u.push(d))})}index;logger;child;current=null;ready=!1;info;exited;send(e,r){this.current=e,this.child.stdin.write(r)}kill(e="SIGKILL"){this.child.exitCode===null&&this.child.signalCode===null&&this.child.kill(e)}},Y=class{constructor(e,r={}){this.model=e;this.options=r;this.python=r.python??process.env.MLCI_PYTHON??"python3",this.size=Math.min(32,Math.max(1,Math.floor(r.workers??1)));let n=Object.fromEntries(["OMP_NUM_THREADS","OPENBLAS_NUM_THREADS","MKL_NUM_THREADS"].filter(o=>!process.env[o]).map(o=>[o,"1"]));this.env={...process.env,PYTHONUNBUFFERED:"1",...n,...r.env}}model;options;workers=[];queue=[];nextId=1;restarts=0;closing=!1;info=null;python;size;env;windowTimer=null;async start(){let e=Array.from({length:this.size},(o,s)=>this.spawnWorker(s)),r=this.options.startTimeoutMs??12e4,n;try{let o=await Promise.race([Promise.all(e.map(l=>l.info)),new Promise((l,c)=>n=setTimeout(()=>c(new k("input",`the model did not load within ${r} ms`,{hint:"raise --start-timeout for large models"})),r))]),{pid:s,cpu:i,...a}=o[0];return this.info={...a,cpus:o.map(l=>l.cpu)},this.dispatch(),this.info}catch(o){this.closing=!0;for(let s of this.workers)s.kill();throw o}finally{clearTimeout(n)}}isReady(){return!this.closing&&this.workers.some(e=>e.ready)}predict(e){return this.closing?Promise.reject(new N("unavailable","the server is shutting down")):this.queue.length>=(this.options.maxQueue??64)?Promise.reject(new N("busy",`all ${this.size} workers are busy and ${this.queue.length} requests are waiting; retry later`)):new Promise((r,n)=>{let o=e.kind==="table"?e.rows.length:e.data.length;this.queue.push({batch:e,rows:o,resolve:r,reject:n}),this.schedule()})}stats(){return{restarts:this.restarts,queued:this.queue.length,busy:this.workers.filter(e=>e.current).length,workers:this.workers.filter(e=>e.ready).length}}async close(){this.closing=!0,this.windowTimer&&clearTimeout(this.windowTimer);for(let e of this.queue.splice(0))L(e,new N("unavailable","the server is shutting down"));await Promise.all(this.workers.map(async e=>{e.child.stdin.end();let r=setTimeout(()=>e.kill("SIGKILL"),3e3);await e.exited,clearTimeout(r)}))}spawnWorker(e){let n=this.size>1&&this.options.pin!==!1?{...this.env,MLCI_WORKER_INDEX:String(e)}:this.env,o=new ae(this.model,this.python,n,e,this.options.logger,(s,i,a,l)=>this.onResult(s,i,a,l));return this.workers.push(o),o.info.then(()=>this.dispatch(),()=>{}),o.exited.then(s=>this.onExit(o,s)),o}onResult(e,r,n,o){let s=e.current;if(!s||n!==s.id)return;clearTimeout(s.timer),e.current=null;let{jobs:i}=s;if(r===Jt)if(i.length>1)this.retryAlone(i);else{let a=JSON.parse(o.toString("utf8"));L(i[0],new N(a.bad_input?"bad_input":"model",String(a.error??"the model failed")))}else{let a=r===Te||r===qt?Ht(r,o):[];if(i.length===1)L(i[0],a);else if(a.length!==i.reduce((l,c)=>l+c.rows,0))this.retryAlone(i);else{let l=0;for(let c of i)L(c,a.slice(l,l+c.rows)),l+=c.rows}}this.dispatch()}retryAlone(e){for(let r of e)r.solo=!0;this.queue.unshift(...e)}onExit(e,r){this.workers.splice(this.workers.indexOf(e),1);let n=e.current;if(n){clearTimeout(n.timer);for(let s of n.jobs)L(s,new N("crash",`the Python worker died (exit ${r??e.child.signalCode}) during this request; it is being restarted`))}if(this.closing||!this.info)return;this.restarts++,this.options.logger?.warn(`Python worker ${e.child.pid} exited (${r??e.child.signalCode}); restarting it`);let o=Math.min(5e3,100*2**Math.min(6,this.restarts-1));setTimeout(()=>{this.closing||this.spawnWorker(e.index).info.catch(s=>this.options.logger?.error(`Python worker failed to restart: ${s.message}`))},e.ready?0:o).unref()}schedule(){let e=Math.min(50,Math.max(0,this.options.batchWindowMs??0));if(e===0)return this.dispatch();this.windowTimer||(this.windowTimer=setTimeout(()=>{this.windowTimer=null,this.dispatch()},e))}dispatch(){let e=Math.max(1,Math.floor(this.options.maxBatchRows??1024));for(;this.queue.length;){let r=this.workers.find(c=>c.ready&&!c.current&&c.child.exitCode===null);if(!r)return;let n=this.queue.shift(),o=[n],s=n.rows;if(!n.solo&&n.batch.kind==="table"){let c=n.batch.columns.join("\0");for(let u=0;u<this.queue.length&&s<e;){let d=this.queue[u];!d.solo&&d.batch.kind==="table"&&s+d.rows<=e&&d.batch.columns.join("\0")===c?(o.push(d),s+=d.rows,this.queue.splice(u,1)):u++}}let i=o.length===1?n.batch:{kind:"table",columns:n.batch.columns,rows:o.flatMap(c=>c.batch.rows)},a={id:this.nextId++,jobs:o},l=this.options.workerTimeoutMs??3e4;a.timer=setTimeout(()=>{for(let c of o)L(c,new N("timeout",`the model took longer than ${l} ms; its worker was restarted`));r.kill()},l),r.send(a,Ut(a.id,i,this.model.signature))}}};function L(t,e){t.settled||(t.settled=!0,e instanceof N?t.reject(e):t.resolve(e))}import{stat as Gt}from"node:fs/promises";import{resolve as Yt}from"node:path";async function V(t,e=[]){if(!t)throw O("no model given",{hint:"pass a model directory, NAME@ALIAS or a run id"});if(await Gt(t).then(()=>!0,()=>!1))return{dir:Yt(t),ref:t,source:"path"};for(let r of e){let n=await r(t);if(n)return n}throw O(`no model directory at "${t}"${e.length?", and no registry version or run by that name":""}`,{hint:"pass a model directory (MLflow model, predict.py, or .onnx), NAME@ALIAS / NAME@vX.Y.Z from the registry, or a run id"})}import{createServer as Vt}from"node:http";var zt=1e3,Re=JSON.stringify({error_code:"TEMPORARILY_UNAVAILABLE",message:"the model is loading"});async function z(t={}){let e=t.host??"127.0.0.1",r=t.port??8080,n=t.requestTimeoutMs??3e4,o=Vt({requestTimeout:n,headersTimeout:Math.min(t.headersTimeoutMs??1e4,n),keepAliveTimeout:t.keepAliveTimeoutMs??5e3,connectionsCheckingInterval:Math.min(zt,n)});o.setTimeout(t.idleTimeoutMs??6e4),o.on("request",(i,a)=>{a.writeHead(503,{"content-type":"application/json","content-length":Buffer.byteLength(Re),"retry-after":"5"}),a.end(Re)}),await new Promise((i,a)=>{o.once("error",l=>a(Wt(l,e,r))),o.listen(r,e,()=>i())}),o.removeAllListeners("error");let s=o.address().port;return{server:o,host:e,port:s,url:`http://${e.includes(":")?`[${e}]`:e}:${s}`}}function Wt(t,e,r){let n=t?.code,o=`${e.includes(":")?`[${e}]`:e}:${r}`,s="choose another port with --port N (--port 0 picks a free one)";switch(n){case"EADDRINUSE":return new k("usage",`cannot listen on ${o}: the port is already in use`,{hint:`stop what listens there, or ${s}`,cause:t});case"EACCES":case"EPERM":return new k("usage",`cannot listen on ${o}: permission denied`,{hint:`ports below 1024 need privileges; ${s}`,cause:t});case"EADDRNOTAVAIL":return new k("usage",`cannot listen on ${o}: ${e} is not an address of this machine`,{hint:"use --host 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces, e.g. inside a container)",cause:t});case"ENOTFOUND":case"EAI_AGAIN":case"EAI_NONAME":return new k("usage",`cannot listen on ${o}: the host name ${e} does not resolve`,{hint:"give --host as an IP address, e.g. 127.0.0.1 or 0.0.0.0",cause:t});case"EMFILE":case"ENFILE":return new k("usage",`cannot listen on ${o}: too many open files`,{hint:"raise the limit (`ulimit -n 4096`), then retry",cause:t});default:return t}}var Xt=[5e-4,.001,.0025,.005,.01,.025,.05,.1,.25,.5,1,2.5,5,10],Kt=[-1e6,-1e4,-1e3,-100,-10,-1,-.1,0,.1,1,10,100,1e3,1e4,1e6],Me=100,X=class{constructor(e){this.buckets=e;this.counts=new Array(e.length).fill(0)}buckets;counts;sum=0;count=0;observe(e){this.sum+=e,this.count++;let r=this.buckets.findIndex(n=>e<=n);r>=0&&this.counts[r]++}render(e,r){let n=[],o=0;return this.buckets.forEach((s,i)=>{o+=this.counts[i],n.push(`${e}_bucket{${r}${r?",":""}le="${s}"} ${o}`)}),n.push(`${e}_bucket{${r}${r?",":""}le="+Inf"} ${this.count}`),n.push(`${e}_sum${r?`{${r}}`:""} ${this.sum}`,`${e}_count${r?`{${r}}`:""} ${this.count}`),n}},W=t=>t.replace(/\\/g,"\\\\").replace(/"/g,'\\"').replace(/\n/g,"\\n"),K=class{constructor(e,r="python"){this.classifier=e;this.path=r}classifier;path;requests=new Map;latency=new Map;errors=new Map;classes=new Map;values=new X(Kt);rows=0;request(e,r,n){let o=`route="${e}",status="${r}"`;this.requests.set(o,(this.requests.get(o)??0)+1);let s=this.latency.get(e);s||this.latency.set(e,s=new X(Xt)),s.observe(n)}error(e){this.errors.set(e,(this.errors.get(e)??0)+1)}predictions(e){this.rows+=e.length;let r=this.classifier();for(let n of e)if(!r&&typeof n=="number")this.values.observe(n);else if(typeof n=="string"||typeof n=="number"||typeof n=="boolean"){let o=String(n),s=this.classes.has(o)||this.classes.size<Me?o:"__other__";this.classes.set(s,(this.classes.get(s)??0)+1)}}render(e){let r=[],n=(o,s,i)=>r.push(`# HELP ${o} ${i}`,`# TYPE ${o} ${s}`);n("mlci_http_requests_total","counter","HTTP requests by route and status code.");for(let[o,s]of this.requests)r.push(`mlci_http_requests_total{${o}} ${s}`);n("mlci_http_request_duration_seconds","histogram","HTTP request latency by route, from the first byte read to the last byte written.");for(let[o,s]of this.latency)r.push(...s.render("mlci_http_request_duration_seconds",`route="${W(o)}"`));n("mlci_prediction_errors_total","counter","Failed /invocations by reason.");for(let[o,s]of this.errors)r.push(`mlci_prediction_errors_total{reason="${W(o)}"} ${s}`);n("mlci_predicted_rows_total","counter","Rows predicted, by serving path (onnx: in-process onnxruntime-node; python: worker)."),r.push(`mlci_predicted_rows_total{path="${W(this.path)}"} ${this.rows}`),n("mlci_predictions_by_class_total","counter",`Predictions per class label (classifiers; at most ${Me} labels, then __other__).`);for(let[o,s]of this.classes)r.push(`mlci_predictions_by_class_total{class="${W(o)}"} ${s}`);n("mlci_prediction_value","histogram","Distribution of numeric predictions (regressors)."),r.push(...this.values.render("mlci_prediction_value",""));for(let[o,s]of Object.entries(e))n(o.split("{")[0],"gauge",s.help),r.push(`${o} ${s.value}`);return r.join(`
`)+`
`}};var Qt="0.1.0",Zt="application/json";async function Pe(t){let{model:e,predictor:r,info:n}=t,o=t.logger??P,s=t.maxBodyBytes??10*1024*1024,i=()=>n.classes!==null,a=new K(i,n.path),l=0,c=!1,u=(h,y,w,v=Zt)=>{h.headersSent||(h.writeHead(y,{"content-type":v,"content-length":Buffer.byteLength(w),...c?{connection:"close"}:{}}),h.end(w))},d={"GET /ping":(h,y)=>r.isReady()&&!c?u(y,200,`
`):u(y,503,new b(503,"the model is not ready").body()),"GET /health":(h,y)=>{let w=r.isReady()&&!c,v=r.stats();u(y,w?200:503,JSON.stringify({status:w?"ok":"unavailable",path:n.path,loader:n.loader,runtime:n.runtime,workers:v.workers,...n.cpus?{cpus:n.cpus}:{},...n.fallback?{fallback:n.fallback}:{}}))},"GET /version":(h,y)=>u(y,200,JSON.stringify({server:"mlci",version:Qt,loader:n.loader,runtime:n.runtime,path:n.path,...e.mlflowVersion?{mlflow_version:e.mlflowVersion}:{},...t.versionInfo})),"GET /metrics":(h,y)=>{let w=r.stats(),v=a.render({mlci_model_ready:{help:"1 while /ping answers 200.",value:r.isReady()?1:0},[`mlci_serving_path{path="${n.path}"}`]:{help:"The path that serves predictions (1): onnx in-process, or python workers.",value:1},mlci_worker_restarts_total:{help:"Python workers restarted after a crash or timeout (a counter, reported as a gauge of the running total).",value:w.restarts},mlci_queue_depth:{help:"Requests waiting for a free worker.",value:w.queued},mlci_workers_busy:{help:"Workers running a prediction.",value:w.busy},mlci_workers_ready:{help:"Workers with the model loaded.",value:w.workers},mlci_in_flight_requests:{help:"HTTP requests being handled.",value:l},process_resident_memory_bytes:{help:"Resident memory of the server process (not its workers).",value:process.memoryUsage.rss()}});u(y,200,v,"text/plain; version=0.0.4; charset=utf-8")},"POST /invocations":async(h,y)=>{let w=await tn(h,s),v;try{v=U(F(w,h.headers["content-type"],e.signature),e.signature)}catch($){throw $ instanceof b&&a.error("validation"),$}if((v.kind==="table"?v.rows.length:v.data.length)===0)return u(y,200,JSON.stringify({predictions:[]}));let _;try{_=await r.predict(v)}catch($){throw $ instanceof N?(a.error($.reason),new b(en[$.reason],$.message,$.reason==="bad_input"?"BAD_REQUEST":$.reason==="timeout"||$.reason==="busy"||$.reason==="crash"||$.reason==="unavailable"?"TEMPORARILY_UNAVAILABLE":"INTERNAL_ERROR")):$}a.predictions(_),u(y,200,JSON.stringify({predictions:_}))}},m=t.bound??await z(t),{server:p,host:f}=m;p.removeAllListeners("request"),p.on("request",(h,y)=>{let w=process.hrtime.bigint(),v=(h.url??"/").split("?")[0],x=`${h.method} ${v}`,_=d[x]?v:"other";l++,y.once("close",()=>{l--;let E=Number(process.hrtime.bigint()-w)/1e9;a.request(_,y.statusCode,E),y.statusCode>=400&&o.info(`${h.method} ${v} ${y.statusCode} ${(E*1e3).toFixed(1)} ms`)});let $=d[x];if(!$){let E=Object.keys(d).find(We=>We.endsWith(` ${v}`));return u(y,E?405:404,new b(E?405:404,E?`${v} takes ${E.split(" ")[0]}`:`no route ${v}; the server answers POST /invocations, GET /ping, /health, /version, /metrics`,E?"BAD_REQUEST":"ENDPOINT_NOT_FOUND").body())}Promise.resolve().then(()=>$(h,y)).catch(E=>{if(E instanceof b)return E.status===413&&y.setHeader("connection","close"),u(y,E.status,E.body());o.error(`internal error on ${x}: ${E?.stack??E}`),u(y,500,new b(500,`internal error in mlci serve: ${E?.message??E}`).body())})});let g=null;return{url:m.url,host:f,port:m.port,metrics:a,close(){return g??=(async()=>{c=!0;let h=new Promise(w=>p.close(()=>w()));p.closeIdleConnections();let y=setTimeout(()=>p.closeAllConnections(),t.shutdownGraceMs??1e4);await h,clearTimeout(y),await r.close()})(),g}}}var en={bad_input:400,model:500,timeout:504,crash:503,busy:503,unavailable:503};function tn(t,e){let r=Number(t.headers["content-length"]);return Number.isFinite(r)&&r>e?(t.resume(),Promise.reject(new b(413,`the request body is ${r} bytes; the limit is ${e} (--max-body)`))):new Promise((n,o)=>{let s=[],i=0;t.on("data",a=>{i+=a.length,i>e?(t.removeAllListeners("data"),t.resume(),o(new b(413,`the request body passed ${e} bytes (--max-body)`))):s.push(a)}),t.on("end",()=>n(Buffer.concat(s))),t.on("error",o)})}function nn(t,e={}){return t.runtime==="onnx"?new I(t):new Y(t,e)}async function rn(t,e={}){let r=e.runtime??"auto",n=e.logger??P;if(r==="onnx"&&t.loader!=="sklearn"&&t.runtime!=="onnx")throw new k("usage",`--runtime onnx converts sklearn models only; this one has the ${t.loader} loader`,{hint:"drop --runtime (auto), or use --runtime python"});let o;if(t.loader==="sklearn"&&r!=="python"){let i=await te().then(()=>Ee(t,{python:e.python,cacheDir:e.onnxCacheDir,logger:n}),a=>({ok:!1,reason:a.message,cached:!1}));if(i.ok){let a=new I(t,{converted:i.converted}),l=await a.start();return n.info(`serving through ONNX (${i.parity.candidate}; parity on ${i.parity.rows} rows, max |diff| ${i.parity.maxAbsDiff.toExponential(1)}${i.cached?"; cached":""})`),{predictor:a,info:l}}if(r==="onnx")throw new k("input",`the model cannot be served through ONNX: ${i.reason}`,{file:t.dir,hint:"drop --runtime onnx to serve it through the Python worker"});o=i.reason,n.info(`serving through the Python worker: ${o}`)}let s=nn(t,e);try{let i=await s.start();return{predictor:s,info:o?{...i,fallback:o}:i}}catch(i){throw await s.close().catch(()=>{}),i}}async function Lr(t,e={}){let r=e.idleTimeoutMs??(e.workerTimeoutMs??3e4)+1e4,n=await z({...e,idleTimeoutMs:r}),o=()=>new Promise(i=>{n.server.close(()=>i()),n.server.closeAllConnections()}),s;try{s=await V(t,e.resolvers)}catch(i){throw await o(),i}try{let i=await j(s.dir,{loader:e.loader}),{predictor:a,info:l}=await rn(i,e),c=await Pe({...e,bound:n,model:i,predictor:a,info:l,versionInfo:{model:s.ref,...s.version?{model_version:s.version}:{}}}).catch(async u=>{throw await a.close(),u});return{server:c,model:i,info:l,resolved:s,async close(){await c.close(),await s.cleanup?.()}}}catch(i){throw await o(),await s.cleanup?.(),i}}import{mkdir as on,mkdtemp as Ie,rm as Ae}from"node:fs/promises";import{tmpdir as Le}from"node:os";import{dirname as Be,isAbsolute as sn,join as A,relative as an}from"node:path";async function ln(t,e={}){let{openBackends:r}=await import("./src-QVNZEIRJ.js"),{registry:n,kinds:o}=await r({token:e.token||void 0,env:e.env,logger:e.logger,projectDir:t,registry:e.registry??"local",store:"local"});return{registry:n,kind:o.registry}}function cn(t,e={}){return async r=>{if(!/^[^@/\\]+@[^@/\\]+$/.test(r))return null;let{downloadVersion:n}=await import("./src-QVNZEIRJ.js"),{registry:o,kind:s}=await ln(t,e),i=s==="github"?`the GitHub registry (releases of ${o.location})`:`the local registry (${o.location})`,a=await Ie(A(Le(),"mlci-serve-")),l=()=>Ae(a,{recursive:!0,force:!0});try{let c=await n(o,r,A(a,"version")),u=dn(c.files.map(m=>m.path),c.to),d=an(a,u);if(d.startsWith("..")||sn(d))throw O(`${r}: the model directory ${u} is outside the download directory`,{hint:"the card names unsafe paths; re-register the model"});return{dir:u,ref:r,source:"registry",version:c.version,registry:{kind:s,location:o.location},cleanup:l}}catch(c){if(await l(),c instanceof k){let u=s==="github"?"local":"github";throw new k(c.kind,`${r} from ${i}: ${c.message}`,{hint:[c.hint,`the registry is chosen by the \`registry\` input (auto|github|local); ${u} looks elsewhere`].filter(Boolean).join("; "),cause:c})}throw c}}}function un(t){return async e=>{let{openStore:r,RunNotFoundError:n}=await import("./src-EF5ODCCS.js"),o=await r({projectDir:t}),s=await o.getRun(e).catch(l=>{if(l instanceof n)return null;throw l});if(!s)return null;let i=s.artifacts.filter(l=>l.path.startsWith("model/"));if(!i.length)throw me(`run ${s.id} has no model artifacts under model/`,'log the model with mlflow.<flavor>.log_model(..., name="model")');let a=await Ie(A(Le(),"mlci-serve-"));for(let l of i)await on(Be(A(a,l.path)),{recursive:!0}),await o.restoreBlob(l.sha256,A(a,l.path));return{dir:A(a,"model"),ref:e,source:"run",version:s.id,cleanup:()=>Ae(a,{recursive:!0,force:!0})}}}var Jr=(t,e={})=>[cn(t,e),un(t)];function dn(t,e){let r=t.find(n=>/(^|\/)(MLmodel|predict\.py)$/.test(n))??t.find(n=>n.endsWith(".onnx"));return r?A(e,Be(r)):e}import{connect as mn}from"node:net";function le(t,e){return t.length?t[Math.min(t.length-1,Math.max(0,Math.ceil(e/100*t.length)-1))]:NaN}async function Ce(t){let e=Math.min(1e6,Math.max(1,Math.floor(t.requests??200))),r=Math.min(256,Math.max(1,Math.floor(t.concurrency??1))),n=new URL("/invocations",t.url);if(n.protocol!=="http:")throw new Error(`loadTest speaks plain http only, got ${n.protocol}`);let o=Buffer.from(t.body),s=Buffer.from(`POST ${n.pathname} HTTP/1.1\r
Host: ${n.host}\r
Content-Type: ${t.contentType??"application/json"}\r
Content-Length: ${o.length}\r
Connection: keep-alive\r
\r
`),i=Buffer.concat([s,o]),a=t.timeoutMs??3e4,l=n.hostname.replace(/^\[|\]$/g,""),c=Array.from({length:r},()=>new ce(l,Number(n.port||80))),u=[...c],d=async()=>{let x=u.pop(),_=process.hrtime.bigint(),$=await x.request(i,a);return u.push(x),{...$,ms:Number(process.hrtime.bigint()-_)/1e6}};for(let x=0;x<(t.warmup??0);x++)await d();let m=[],p={},f=null,g=0,h=process.hrtime.bigint();await Promise.all(Array.from({length:Math.min(r,e)},async()=>{for(;g<e;){g++;let x=await d();m.push(x.ms),p[String(x.status)]=(p[String(x.status)]??0)+1,x.status===200&&f===null&&(f=x.text)}}));let y=Number(process.hrtime.bigint()-h)/1e9;for(let x of c)x.close();u=[],m.sort((x,_)=>x-_);let w=p[200]??0,v=x=>Math.round(x*1e3)/1e3;return{requests:e,concurrency:r,ok:w,errors:e-w,statuses:p,seconds:v(y),throughput:v(w/y),latencyMs:{p50:v(le(m,50)),p95:v(le(m,95)),p99:v(le(m,99)),max:v(m[m.length-1]??NaN),mean:v(m.reduce((x,_)=>x+_,0)/(m.length||1))},firstBody:f}}var ce=class{constructor(e,r){this.host=e;this.port=r}host;port;socket=null;pending=null;buffer=Buffer.alloc(0);request(e,r){return new Promise(n=>{let o=setTimeout(()=>this.fail(),r);this.pending={resolve:n,timer:o},this.buffer=Buffer.alloc(0),this.open().write(e)})}close(){this.socket?.destroy(),this.socket=null}open(){if(this.socket&&!this.socket.destroyed)return this.socket;let e=mn({host:this.host,port:this.port,noDelay:!0});return e.on("data",r=>{this.buffer=this.buffer.length?Buffer.concat([this.buffer,r]):r,this.parse()}),e.on("error",()=>this.fail()),e.on("close",()=>{this.socket===e&&(this.socket=null),this.fail()}),this.socket=e,e}fail(){let e=this.pending;e&&(this.pending=null,clearTimeout(e.timer),this.close(),e.resolve({status:"error",text:""}))}parse(){let e=this.pending;if(!e)return;let r=this.buffer.indexOf(`\r
\r
`);if(r<0)return;let n=this.buffer.subarray(0,r).toString("latin1"),o=Number(/^HTTP\/1\.[01] (\d{3})/.exec(n)?.[1]??0),s=/\r\ncontent-length:\s*(\d+)/i.exec(n),i;if(s){let a=Number(s[1]);if(this.buffer.length<r+4+a)return;i=this.buffer.subarray(r+4,r+4+a).toString("utf8")}else if(/\r\ntransfer-encoding:\s*chunked/i.test(n)){let a=[],l=r+4;for(;;){let c=this.buffer.indexOf(`\r
`,l);if(c<0)return;let u=parseInt(this.buffer.subarray(l,c).toString("latin1"),16);if(u===0){if(this.buffer.indexOf(`\r
`,c+2)<0)return;break}if(this.buffer.length<c+2+u+2)return;a.push(this.buffer.subarray(c+2,c+2+u)),l=c+2+u+2}i=Buffer.concat(a).toString("utf8")}else return;this.pending=null,clearTimeout(e.timer),/\r\nconnection:\s*close/i.test(n)&&this.close(),e.resolve({status:o,text:i})}};var pn="node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0",fn="python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b",hn="1.30.0",De=t=>JSON.stringify(t),Q="/opt/mlci-venv";function je(t){let e=t.port??8080,n=["# Generated by mlci build-serve-image. Bases are pinned by digest; override with --build-arg.",`ARG NODE_IMAGE=${t.nodeImage??pn}`];t.runtime==="python"?(n.push(`ARG PYTHON_IMAGE=${t.pythonImage??fn}`,"FROM ${NODE_IMAGE} AS node","FROM ${PYTHON_IMAGE}","COPY --from=node /usr/local/bin/node /usr/local/bin/node"),n.push("RUN node --version && python3 --version"),t.hasRequirements&&n.push("COPY requirements.txt /tmp/requirements.txt",`RUN python3 -m venv ${Q} && ${Q}/bin/python -m pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt && rm /tmp/requirements.txt`,`ENV PATH=${Q}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`)):n.push("FROM ${NODE_IMAGE}",`RUN mkdir -p /app && cd /app && ONNXRUNTIME_NODE_INSTALL=skip npm install --omit=dev --no-audit --no-fund onnxruntime-node@${hn} && npm cache clean --force`);for(let[o,s]of Object.entries(t.labels??{}))n.push(`LABEL ${o}=${De(s)}`);return n.push("COPY app/ /app/","COPY model/ /model/","# A numeric non-root user: works on any base, with or without /etc/passwd.","USER 10001:10001",`ENV NODE_ENV=production PYTHONDONTWRITEBYTECODE=1 MLCI_PYTHON=${t.runtime==="python"&&t.hasRequirements?`${Q}/bin/python3`:"python3"}`,`EXPOSE ${e}`,`HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["node", "-e", ${De(`fetch('http://127.0.0.1:${e}/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`)}]`,"STOPSIGNAL SIGTERM",`ENTRYPOINT ["node", "/app/cli.js", "serve", "/model", "--host", "0.0.0.0", "--port", "${e}"]`,""),n.join(`
`)}import{cp as ue,mkdir as gn,readdir as yn,rm as wn,stat as qe}from"node:fs/promises";import{join as T,resolve as Je}from"node:path";async function Fe(t){let e=await j(t.modelDir),r=Je(t.serverDist);if(!await qe(T(r,"cli.js")).catch(()=>null))throw O(`no bundled server (cli.js) in ${r}`,{hint:"build mlci first: node scripts/build.mjs"});let n=Je(t.outDir);await wn(n,{recursive:!0,force:!0}),await gn(T(n,"app"),{recursive:!0}),await ue(T(r,"cli.js"),T(n,"app/cli.js"));for(let i of["chunks","workers"])await qe(T(r,i)).catch(()=>null)&&await ue(T(r,i),T(n,"app",i),{recursive:!0});await C(T(n,"app/package.json"),JSON.stringify({name:"mlci-serve-image",private:!0,type:"module"},null,2)+`
`),await ue(e.dir,T(n,"model"),{recursive:!0,filter:i=>!/(^|\/)(__pycache__|\.git)(\/|$)/.test(i)});let o=e.runtime==="python"?e.requirements:[];e.loader==="sklearn"&&(o=[...o.filter(i=>!/^mlflow([-_a-z]*)?\b/i.test(i)),...o.some(i=>/^pyyaml\b/i.test(i))?[]:["pyyaml"]]),o.length&&await C(T(n,"requirements.txt"),o.join(`
`)+`
`);let s=je({runtime:e.runtime,hasRequirements:o.length>0,...t.dockerfile});return await C(T(n,"Dockerfile"),s),await C(T(n,".dockerignore"),`**/__pycache__
**/.git
`),{dir:n,model:await j(T(n,"model")),dockerfile:s,requirements:o}}async function Ue(t){let e=[],r=async n=>{for(let o of await yn(T(t,n),{withFileTypes:!0})){let s=n?`${n}/${o.name}`:o.name;o.isDirectory()?await r(s):e.push(s)}};return await r(""),e.sort()}import{execFile as bn}from"node:child_process";function M(t,e,r={}){return new Promise(n=>{let o=bn(t,e,{env:r.env??process.env,timeout:r.timeoutMs??6e5,maxBuffer:67108864},(s,i,a)=>{let l=s?typeof s.code=="number"?Number(s.code):127:0;n({code:l,stdout:String(i),stderr:String(a)||(s&&!a?s.message:"")})});r.input!==void 0&&o.stdin?.end(r.input)})}async function He(t=process.env,e="auto"){let r=[];for(let n of e==="auto"?["docker","podman"]:[e]){let o=await M(n,["version","--format","{{.Server.Version}}"],{env:t,timeoutMs:15e3});if(o.code===0&&o.stdout.trim()){let s=n==="docker"&&(await M("docker",["buildx","version"],{env:t,timeoutMs:15e3})).code===0;return{builder:{tool:n,version:o.stdout.trim(),buildx:s},tried:r}}r.push(`${n}: ${(o.stderr||o.stdout).trim().split(`
`).pop()||`exit ${o.code}`}`)}return{builder:null,tried:r}}var B=(t,e)=>new k("remote",`${t} failed (exit ${e.code}): ${(e.stderr||e.stdout).trim().split(`
`).slice(-6).join(`
  `)}`);async function Ge(t,e,r,n,o,s){let i=["build",...r.flatMap(c=>["-t",c]),...Object.entries(n).flatMap(([c,u])=>["--build-arg",`${c}=${u}`]),e];t.tool==="docker"&&t.buildx&&i.splice(1,0,"--load"),s?.info(`${t.tool} ${i.join(" ")}`);let a=await M(t.tool,t.tool==="docker"&&t.buildx?["buildx",...i]:i,{env:o});if(a.code!==0)throw B(`${t.tool} build`,a);let l=await M(t.tool,["image","inspect","--format","{{.Id}}",r[0]],{env:o});if(l.code!==0)throw B(`${t.tool} image inspect`,l);return l.stdout.trim()}async function Ye(t,e,r,n){let o=t.tool==="podman"?["--ulimit","nofile=4096:4096","--ulimit","nproc=4096:4096"]:[],s=await M(t.tool,["run","-d",...o,"-p",`127.0.0.1::${r}`,e],{env:n,timeoutMs:6e4});if(s.code!==0)throw B(`${t.tool} run`,s);let i=s.stdout.trim().split(`
`).pop(),a=await M(t.tool,["port",i,String(r)],{env:n}),l=/:(\d+)\s*$/m.exec(a.stdout)?.[1];if(!l)throw B(`${t.tool} port`,a);return{id:i,url:`http://127.0.0.1:${l}`,async stop(){let c=Date.now();await M(t.tool,["stop","-t","10",i],{env:n,timeoutMs:3e4});let u=await M(t.tool,["inspect","--format","{{.State.ExitCode}}",i],{env:n});return await M(t.tool,["rm","-f",i],{env:n}),{seconds:(Date.now()-c)/1e3,exitCode:u.code===0?Number(u.stdout.trim()):null}},async logs(){let c=await M(t.tool,["logs",i],{env:n});return c.stdout+c.stderr}}}async function Ve(t,e,r,n,o,s){if(t.tool==="docker"&&t.buildx){let a=`${e}.metadata.json`,l=["buildx","build","--push","--sbom=true","--provenance=mode=max","--metadata-file",a,...r.flatMap(m=>["-t",m]),...Object.entries(n).flatMap(([m,p])=>["--build-arg",`${m}=${p}`]),e];s?.info(`docker ${l.join(" ")}`);let c=await M("docker",l,{env:o});if(c.code!==0)throw B("docker buildx build --push",c);let{readFile:u}=await import("node:fs/promises");return{digest:JSON.parse(await u(a,"utf8"))["containerimage.digest"],sbom:!0,provenance:!0}}let i="";for(let a of r){let l=await M(t.tool,["push",a],{env:o});if(l.code!==0)throw B(`${t.tool} push ${a}`,l);i||=/digest: (sha256:[0-9a-f]{64})/.exec(l.stdout+l.stderr)?.[1]??""}return{digest:i,sbom:!1,provenance:!1}}function de(t){return t.replace(/[^A-Za-z0-9_.-]+/g,"-").replace(/^[.-]+/,"").slice(0,128)||"latest"}import{spawn as vn}from"node:child_process";import{basename as kn,join as ze}from"node:path";async function lo(t){let e=t.logger??P,r=t.group??((s,i)=>i()),n=t.env??process.env,o=await V(t.model,t.resolvers);try{let s=t.modelVersion??o.version??null,i=t.commit??n.GITHUB_SHA??"",a=o.source==="registry"?o.ref.split("@")[0]:kn(o.dir),l=(t.image??`mlci-serve/${de(a).toLowerCase()}`).toLowerCase(),c=[...new Set([`${l}:${s?de(s):"latest"}`,...i?[`${l}:sha-${i.slice(0,12)}`]:[]])],u={"org.opencontainers.image.title":a,...s?{"org.opencontainers.image.version":s}:{},...i?{"org.opencontainers.image.revision":i}:{},...n.GITHUB_REPOSITORY?{"org.opencontainers.image.source":`${n.GITHUB_SERVER_URL??"https://github.com"}/${n.GITHUB_REPOSITORY}`}:{}},d=await r("Build context",async()=>{let w=await Fe({modelDir:o.dir,outDir:t.contextDir,serverDist:t.serverDist,dockerfile:{labels:u}});return e.info(w.dockerfile),w}),m=d.model.inputExample;if(!m)throw new k("input","the model has no input example to smoke-test the image with",{file:o.dir,hint:"save the model with input_example=... (mlflow.<flavor>.save_model / log_model), or add input_example.json"});let p=JSON.stringify(m),{builder:f,tried:g}=t.builder==="none"?{builder:null,tried:["builder: none (asked)"]}:await He(n,t.builder==="docker"||t.builder==="podman"?t.builder:"auto"),h={model:{ref:o.ref,dir:o.dir,loader:d.model.loader,version:s,source:o.source,registry:o.registry??null},context:{dir:d.dir,files:await Ue(d.dir),requirements:d.requirements},container:{exercised:!1,builder:f?`${f.tool} ${f.version}`:null,imageId:null,reason:null,stopSeconds:null,stopExitCode:null},tags:c,smoke:{target:f?"container":"server-from-context",predictions:[],load:void 0},push:{pushed:!1,digest:null,sbom:!1,provenance:!1,reason:null}},y=f?await r(`Build image (${f.tool})`,async()=>(h.container.imageId=await Ge(f,d.dir,c,t.buildArgs??{},n,e),xn(f,c[0],n))):await _n(d.dir,n);f||(h.container.reason=`no container builder can run here (${g.join("; ")}); the container step was NOT exercised: the server ran from the built context instead`,e.warn(h.container.reason));try{await r("Smoke test /invocations",async()=>{await $n(y.url,t.readyTimeoutMs??12e4,y.logs);let w=await fetch(`${y.url}/invocations`,{method:"POST",headers:{"content-type":"application/json"},body:p,signal:AbortSignal.timeout(12e4)}).catch($=>{throw new k("input",`the smoke test's first request to ${y.url}/invocations failed: ${$.message}`,{hint:"the server answered /ping but not a prediction within 120 s: check the container log"})}),v=await w.text();if(w.status!==200)throw new k("input",`the smoke test got ${w.status} for the model's input example: ${v.slice(0,500)}`,{hint:"the image serves, but not this model with its own example: check the signature and requirements"});h.smoke.predictions=JSON.parse(v).predictions;let{firstBody:x,..._}=await Ce({url:y.url,body:p,requests:t.smokeRequests??100,concurrency:t.smokeConcurrency??4});if(h.smoke.load=_,_.errors)throw new k("input",`the smoke test had ${_.errors} failed requests of ${_.requests} (${JSON.stringify(_.statuses)})`);e.info(`smoke: ${_.ok}/${_.requests} ok, p50 ${_.latencyMs.p50} ms, p95 ${_.latencyMs.p95} ms, p99 ${_.latencyMs.p99} ms, ${_.throughput} req/s`)})}finally{let w=await y.stop();f&&Object.assign(h.container,{exercised:!0,stopSeconds:w.seconds,stopExitCode:w.exitCode})}return t.push?f?await r("Push",async()=>{let w=await Ve(f,d.dir,c,t.buildArgs??{},n,e);Object.assign(h.push,{pushed:!0,digest:w.digest||null,sbom:w.sbom,provenance:w.provenance}),w.sbom||(h.push.reason=`${f.tool} has no buildx here: pushed without SBOM or provenance attestations`)}):h.push.reason="no container builder: nothing was built, so nothing was pushed":h.push.reason="push not requested",h}finally{await o.cleanup?.()}}async function xn(t,e,r){return Ye(t,e,8080,r)}async function _n(t,e){let r=vn(process.execPath,[ze(t,"app/cli.js"),"serve",ze(t,"model"),"--port","0","--json"],{env:{...e,NO_COLOR:"1"},stdio:["ignore","pipe","pipe"]}),n="",o="";r.stderr.on("data",a=>o+=a);let s=new Promise(a=>r.once("exit",l=>a(l)));return{url:await new Promise((a,l)=>{r.stdout.on("data",c=>{n+=c;try{a(JSON.parse(n).url)}catch{}}),s.then(c=>l(new k("input",`the server in the context exited ${c} before it was ready:
${o.slice(-2e3)}`)))}),async stop(){let a=Date.now();r.exitCode===null&&r.kill("SIGTERM");let l=await s;return{seconds:(Date.now()-a)/1e3,exitCode:l}},logs:async()=>o}}async function $n(t,e,r){let n=Date.now()+e;for(;Date.now()<n;){if(await fetch(`${t}/ping`,{signal:AbortSignal.timeout(5e3)}).then(s=>s.status===200,()=>!1))return;await new Promise(s=>setTimeout(s,200))}throw new k("input",`the server did not answer /ping within ${e} ms; its log:
${(await r()).slice(-3e3)}`)}export{Lr as a,Jr as b,lo as c};
