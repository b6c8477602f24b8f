import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as j,p as ye}from"./chunk-MDTHXPDW.js";import{a as x,b as ge,c as N,g as re,l as P}from"./chunk-SF7SS2Q5.js";import{spawn as ft}from"node:child_process";import{createHash as $e}from"node:crypto";import{mkdir as ht,mkdtemp as gt,readFile as Oe,readdir as yt,rename as Se,rm as le,writeFile as Ee}from"node:fs/promises";import{homedir as wt,tmpdir as bt}from"node:os";import{join as T,relative as vt}from"node:path";import{createRequire as et}from"node:module";import{join as be}from"node:path";import{pathToFileURL as tt}from"node:url";function J(t,e){let r=we.get(t);if(r)return r;let n=e?.kind==="columns"?new Map(e.columns.map(i=>[i.name,i.type])):null,o=t.rows.length,s=t.columns.map((i,a)=>{let c=n?.get(i);if(c==="string"||c==="boolean"||c==="binary"||c==="datetime")return{name:i,kind:"values",values:t.rows.map(m=>m[a])};let l=new Float64Array(o),u=c==="long"||c==="integer"||c===void 0,d=!1;for(let m=0;m<o;m++){let p=t.rows[m][a];if(typeof p=="number")l[m]=p,u&&!Number.isInteger(p)&&(u=!1);else if(p==null)l[m]=NaN,d=!0,u=!1;else return{name:i,kind:"values",values:t.rows.map(f=>f[a])}}return(c==="double"||c==="float")&&(u=!1),{name:i,kind:"number",values:l,integer:u,float32:c==="float",hasNaN:d}});return we.set(t,s),s}var we=new WeakMap;var b=class extends Error{constructor(r,n,o=r===400?"BAD_REQUEST":r===413?"RESOURCE_LIMIT_EXCEEDED":r>=500?"INTERNAL_ERROR":"BAD_REQUEST"){super(n);this.status=r;this.errorCode=o;this.name="HttpError"}status;errorCode;body(){return JSON.stringify({error_code:this.errorCode,message:this.message})}};var S=class extends Error{constructor(r,n){super(n);this.reason=r;this.name="PredictError"}reason};var oe="onnxruntime-node";async function se(){try{let t=oe,e=await import(t).catch(()=>import(tt(et(be(process.cwd(),"package.json")).resolve(t)).href));return e.InferenceSession?e:e.default}catch(t){throw new x("input",`ONNX models need the ${oe} package, which is not installed here (${t.message.split(`
`)[0]})`,{hint:`ONNXRUNTIME_NODE_INSTALL=skip npm install ${oe} (the CPU runtime ships inside the package; "skip" avoids its optional GPU download)`})}}var I=class{constructor(e,r={}){this.model=e;this.options=r}model;options;session=null;ort=null;closing=!1;busy=0;async start(){this.ort=await se();let e=this.options.converted?.file??be(this.model.dir,this.model.onnxFile??"model.onnx");try{this.session=await this.ort.InferenceSession.create(e,{intraOpNumThreads:this.options.threads??1,interOpNumThreads:1})}catch(o){throw new x("input",`onnxruntime cannot load the model: ${o.message}`,{file:e})}let r=this.ort.env?.versions,n=this.options.converted;return{loader:n?this.model.loader:"onnx",classes:n?.classes??null,runtime:`onnxruntime-node ${r?.node??r?.common??""}`.trim(),path:"onnx"}}isReady(){return!!this.session&&!this.closing}async predict(e){if(!this.session||!this.ort||this.closing)throw new S("unavailable","the ONNX session is not open");let r=this.options.converted?this.convertedFeeds(e,this.options.converted):this.feeds(e);this.busy++;try{let n=this.session.outputNames[0],o=await this.session.run(r,[n]);return rt(o[n])}catch(n){throw n instanceof b||n instanceof S?n:new S("bad_input",`onnxruntime rejected the input: ${n.message}`)}finally{this.busy--}}stats(){return{restarts:0,queued:0,busy:this.busy,workers:this.session?1:0}}async close(){this.closing=!0,await this.session?.release(),this.session=null}convertedFeeds(e,r){let n=this.ort;if(e.kind==="tensor"){let u=e.data;if(!u.every(d=>Array.isArray(d)&&d.length===r.columns.length))throw new b(400,`this model takes rows of ${r.columns.length} values (${r.columns.join(", ")})`);e={kind:"table",columns:r.columns,rows:u}}let o=J(e,this.model.signature),s=new Map(o.map(u=>[u.name,u])),i=e.rows.length,a=u=>{let d=s.get(u);if(!d)throw new b(400,`missing column '${u}' (the model was fitted on: ${r.columns.join(", ")})`);return d},c=u=>{let d=a(u);if(d.kind!=="number"){let m=d.values.findIndex(p=>typeof p!="number"&&p!==null);throw new b(400,`column '${u}' row ${m}: expected a number, got ${JSON.stringify(d.values[m])}`)}if(d.hasNaN&&r.nan==="reject")throw new S("bad_input",`ValueError: Input X contains NaN (column '${u}' row ${d.values.findIndex(Number.isNaN)}); this model does not accept missing values`);return d.values};if(r.layout==="matrix"){let u=r.columns.length,d=r.dtype==="float32"?new Float32Array(i*u):new Float64Array(i*u);return r.columns.forEach((m,p)=>{let f=c(m);for(let g=0;g<i;g++)d[g*u+p]=f[g]}),{input:new n.Tensor(r.dtype??"float64",d,[i,u])}}let l={};for(let u of r.inputs??[])if(u.dtype==="string"){let d=a(u.name),m=d.kind==="number"?Array.from(d.values,String):d.values.map(p=>p==null?"":String(p));l[u.name]=new n.Tensor("string",m,[i,1])}else if(u.dtype==="int64"){let d=c(u.name);l[u.name]=new n.Tensor("int64",BigInt64Array.from(d,m=>BigInt(Math.trunc(m))),[i,1])}else l[u.name]=new n.Tensor("float32",Float32Array.from(c(u.name)),[i,1]);return l}feeds(e){let r=this.session,n=this.ort,o=Array.isArray(r.inputMetadata)?r.inputMetadata:[],s=u=>o.find(d=>d.name===u)?.type??"float32",i=(u,d,m,p)=>{let f=d.findIndex(g=>u==="string"?typeof g!="string":typeof g!="number"&&typeof g!="boolean");if(f>=0)throw new b(400,`${p}: value ${f} (flattened) is ${JSON.stringify(d[f])}; the ONNX input is ${u}`);if(u==="float32")return new n.Tensor("float32",Float32Array.from(d),m);if(u==="float64")return new n.Tensor("float64",Float64Array.from(d),m);if(u==="int64")return new n.Tensor("int64",BigInt64Array.from(d.map(g=>BigInt(Math.trunc(g)))),m);if(u==="int32")return new n.Tensor("int32",Int32Array.from(d),m);if(u==="string")return new n.Tensor("string",d,m);throw new b(400,`the ONNX input type ${u} is not supported by mlci serve`)},a=r.inputNames;if(e.kind==="tensor"){let u=nt(e.data);return{[a[0]]:i(s(a[0]),e.data.flat(u.length),u,a[0])}}let c=e.rows.length;if(a.length>1||a.length===1&&e.columns.length===1&&e.columns[0]===a[0]){let u={};for(let d of a){let m=e.columns.indexOf(d);if(m<0)throw new b(400,`missing column '${d}' (the ONNX model's inputs are: ${a.join(", ")})`);u[d]=i(s(d),e.rows.map(p=>p[m]),[c,1],`column '${d}'`)}return u}let l=e.columns.length;return{[a[0]]:i(s(a[0]),e.rows.flat(),[c,l],a[0])}}};function nt(t){let e=[t.length];for(let r=t[0];Array.isArray(r);r=r[0])e.push(r.length);return e}function rt(t){let e=Array.from(t.data,o=>typeof o=="bigint"?Number(o):o),r=t.dims.length===2&&t.dims[1]===1?[t.dims[0]]:[...t.dims],n=(o,s)=>{if(s===r.length-1)return e.slice(o,o+r[s]);let i=r.slice(s+1).reduce((a,c)=>a*c,1);return Array.from({length:r[s]},(a,c)=>n(o+c*i,s+1))};return r.length?n(0,0):e}var ie=["dataframe_split","dataframe_records","instances","inputs"],ve=["application/json","text/csv"];function U(t,e,r){let[n,...o]=(e??"").split(";").map(i=>i.trim().toLowerCase());for(let i of o){let[a,c]=i.split("=").map(l=>l.trim());if(a!=="charset")throw new b(415,`Unrecognized content type parameters: ${a}`);if(c.replace(/"/g,"")!=="utf-8")throw new b(415,"The scoring server only supports UTF-8")}if(!ve.includes(n))throw new b(415,`This predictor only supports the following content types: ${ve.join(", ")}. Got '${e??""}'.`);let s=ot(t);return n==="text/csv"?lt(s,r):st(s,r)}function ot(t){try{return new TextDecoder("utf-8",{fatal:!0}).decode(t)}catch{throw new b(400,"Ensure that input is a valid UTF-8 encoded string")}}function st(t,e){let r;try{r=JSON.parse(t)}catch(i){throw new b(400,`Ensure that input is a valid JSON formatted string. Error: ${i.message}`)}if(!r||typeof r!="object"||Array.isArray(r))throw new b(400,`The input must be a JSON dictionary with exactly one of the input fields {${ie.map(i=>`'${i}'`).join(", ")}}. Received ${Array.isArray(r)?"a list":typeof r}.`);let n=Object.keys(r).filter(i=>ie.includes(i));if(n.length!==1)throw new b(400,`The input must be a JSON dictionary with exactly one of the input fields {${ie.map(i=>`'${i}'`).join(", ")}}. Received dictionary with input fields: [${Object.keys(r).map(i=>`'${i}'`).join(", ")}].`);let o=n[0],s=r[o];switch(o){case"dataframe_split":return it(s,e);case"dataframe_records":if(!Array.isArray(s)||!s.every(F))throw new b(400,"dataframe_records must be a list of objects, one per row");return xe(s);default:return at(o,s)}}function it(t,e){if(!F(t)||!Array.isArray(t.data))throw new b(400,'dataframe_split must be an object with "data" (a list of rows) and usually "columns"');let r=t.data,n=r.findIndex(i=>!Array.isArray(i));if(n>=0)throw new b(400,`dataframe_split.data[${n}] is not a list of values`);let o;if(t.columns===void 0){let i=r.length?r[0].length:0;o=e?.kind==="columns"&&e.columns.length===i?e.columns.map(a=>a.name):Array.from({length:i},(a,c)=>String(c))}else if(Array.isArray(t.columns))o=t.columns.map(String);else throw new b(400,"dataframe_split.columns must be a list of column names");let s=r.findIndex(i=>i.length!==o.length);if(s>=0)throw new b(400,`dataframe_split.data[${s}] has ${r[s].length} values for ${o.length} columns`);return{kind:"table",columns:o,rows:r}}function xe(t){let e=[],r=new Set;for(let n of t)for(let o of Object.keys(n))r.has(o)||(r.add(o),e.push(o));return{kind:"table",columns:e,rows:t.map(n=>e.map(o=>o in n?n[o]:null))}}function at(t,e){if(Array.isArray(e))return e.length&&e.every(F)?xe(e):{kind:"tensor",data:e};if(F(e)){let r=Object.keys(e),n=r.map(s=>Array.isArray(e[s])?e[s]:[e[s]]),o=n[0]?.length??0;if(n.some(s=>s.length!==o))throw new b(400,`${t}: every column must hold the same number of values`);return{kind:"table",columns:r,rows:Array.from({length:o},(s,i)=>n.map(a=>a[i]))}}throw new b(400,`${t} must be a list (rows or an array) or an object of column -> values`)}function lt(t,e){let r=ut(t);if(r.length===0)throw new b(400,"Failed to parse input as a CSV table: the body is empty (a header row is required)");let[n,...o]=r,s=new Map(e?.kind==="columns"?e.columns.map(a=>[a.name,a.type]):[]),i=o.map((a,c)=>{if(a.length!==n.length)throw new b(400,`CSV row ${c+2} has ${a.length} fields; the header has ${n.length}`);return a.map((l,u)=>ct(l,s.get(n[u])))});return{kind:"table",columns:n,rows:i}}function ct(t,e){if(e==="string"||e==="binary"||e==="datetime")return t;if(t==="")return null;if(e==="boolean")return t==="True"||t==="true"?!0:t==="False"||t==="false"?!1:t;let r=Number(t);return e?Number.isNaN(r)&&!/^nan$/i.test(t)?t:r:t.trim()!==""&&!Number.isNaN(r)?r:t}function ut(t){let e=[],r=[],n="",o=!1;for(let s=0;s<t.length;s++){let i=t[s];o?i==='"'&&t[s+1]==='"'?(n+='"',s++):i==='"'?o=!1:n+=i:i==='"'?o=!0:i===","?(r.push(n),n=""):i===`
`||i==="\r"?(i==="\r"&&t[s+1]===`
`&&s++,r.push(n),e.push(r),r=[],n=""):n+=i}if(o)throw new b(400,"Failed to parse input as a CSV table: a quoted field is not closed");return(n!==""||r.length)&&(r.push(n),e.push(r)),e.filter(s=>!(s.length===1&&s[0]===""))}var F=t=>!!t&&typeof t=="object"&&!Array.isArray(t);function ke(t,e){if(t==null)return null;let r;try{r=typeof t=="string"?JSON.parse(t):t}catch(n){throw N(`signature.inputs is not valid JSON: ${n.message}`,{file:e})}if(!Array.isArray(r)||r.length===0)throw N("signature.inputs must be a non-empty list",{file:e});return r.every(n=>n?.type==="tensor")?{kind:"tensors",tensors:r.map(n=>({...n.name?{name:String(n.name)}:{},dtype:String(n["tensor-spec"]?.dtype??"float64"),shape:(n["tensor-spec"]?.shape??[-1]).map(Number)}))}:{kind:"columns",columns:r.map((n,o)=>{if(typeof n?.type!="string")throw N(`signature.inputs[${o}] has no type`,{file:e});return{name:typeof n.name=="string"?n.name:String(o),type:n.type,required:n.required!==!1}})}}var dt=new Set(["double","float","long","integer"]);function H(t,e){if(!e)return t;if(e.kind==="tensors")return t.kind==="table"||pt(t.data,e.tensors[0]),t;let r=e.columns;if(t.kind==="tensor"){let a=t.data;if(!a.every(Array.isArray))throw R(`this model takes named columns (${ae(r)}); send dataframe_split, dataframe_records or a list of objects`);let c=a.findIndex(l=>l.length!==r.length);if(c>=0)throw R(`row ${c} has ${a[c].length} values; the model's signature has ${r.length} columns (${ae(r)})`);t={kind:"table",columns:r.map(l=>l.name),rows:a}}let n=new Map(t.columns.map((a,c)=>[a,c])),o=r.filter(a=>n.has(a.name)),s=r.filter(a=>a.required&&!n.has(a.name));if(s.length)throw R(`missing column${s.length>1?"s":""} ${s.map(a=>`'${a.name}'`).join(", ")} (the model's signature requires: ${ae(r.filter(a=>a.required))})`);let i=t.rows.map((a,c)=>o.map(l=>{let u=a[n.get(l.name)];return mt(u,l,c),u}));return{kind:"table",columns:o.map(a=>a.name),rows:i}}function mt(t,e,r){let n=`column '${e.name}' row ${r}`;if(t==null){if(e.type==="double"||e.type==="float"||!e.required)return;throw R(`${n}: missing value; the signature says ${e.type} and required`)}let o=_e(t);if(dt.has(e.type)){if(typeof t!="number")throw R(`${n}: expected ${e.type}, got ${o}`);if((e.type==="long"||e.type==="integer")&&!Number.isInteger(t))throw R(`${n}: expected ${e.type} (a whole number), got ${o}`);return}if(e.type==="boolean"&&typeof t!="boolean")throw R(`${n}: expected boolean, got ${o}`);if((e.type==="string"||e.type==="binary")&&typeof t!="string")throw R(`${n}: expected ${e.type}, got ${o}`);if(e.type==="datetime"&&(typeof t!="string"||Number.isNaN(Date.parse(t))))throw R(`${n}: expected a datetime (ISO 8601 text), got ${o}`)}function pt(t,e){if(!e)return;let r=[t.length];for(let n=t[0];Array.isArray(n);n=n[0])r.push(n.length);if(r.length!==e.shape.length)throw R(`input has shape [${r.join(", ")}]; the model's signature expects ${e.shape.length} dimensions [${e.shape.join(", ")}]`);if(e.shape.forEach((n,o)=>{if(n>=0&&r[o]!==n)throw R(`input dimension ${o} is ${r[o]}; the model's signature expects ${n} (shape [${e.shape.join(", ")}])`)}),/^(float|int|uint)/.test(e.dtype)){let n=t.flat(e.shape.length),o=n.findIndex(s=>typeof s!="number");if(o>=0)throw R(`input element ${o} (flattened) is ${_e(n[o])}; the model's signature expects ${e.dtype}`)}}var ae=t=>t.map(e=>e.name).join(", ");function _e(t){return typeof t=="string"?`string ${JSON.stringify(t.length>40?t.slice(0,40)+"\u2026":t)}`:typeof t=="number"?`${Number.isInteger(t)?"integer":"number"} ${t}`:Array.isArray(t)?"a list":t&&typeof t=="object"?"an object":`${typeof t} ${String(t)}`}var R=t=>new b(400,t);var Y=`"""mlci serve's Python worker: loads one model, then answers prediction requests in binary frames.

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
`;var xt="mlci-skl2onnx-1",kt=64,_t=()=>process.env.MLCI_ONNX_CACHE??T(process.env.XDG_CACHE_HOME??T(wt(),".cache"),"mlci","onnx");async function $t(t){let e=$e("sha256").update(xt),r=async n=>{let o=[];for(let s of await yt(n,{withFileTypes:!0})){if(s.name==="__pycache__"||s.name===".git")continue;let i=T(n,s.name);s.isDirectory()?o.push(...await r(i)):s.isFile()&&o.push(i)}return o};for(let n of(await r(t)).sort())e.update(vt(t,n)).update("\0"),e.update($e("sha256").update(await Oe(n)).digest()).update("\0");return e.digest("hex").slice(0,32)}async function G(t,e={}){let r=e.logger??P,n=await $t(t.dir),o=e.cacheDir??_t(),s=T(o,n),i=await Te(s);if(i)return i.ok?{ok:!0,converted:{...i.converted,file:T(s,"model.onnx")},key:n,cached:!0,parity:i.parity,dir:s}:{ok:!1,reason:i.reason,key:n,cached:!0};let a=Ot(t);if(typeof a=="string")return{ok:!1,reason:a,key:n,cached:!1};let c=await gt(T(await Nt(o).catch(()=>bt()),".convert-")),l=!1;try{let u=await St(t,a,c,e);if(u.fatal)return{ok:!1,reason:`the converter could not run: ${u.fatal}`,key:n,cached:!1};let d=u.candidates??[],m=[...u.errors??[]];for(let g of d){let h=g.layout==="matrix"?`matrix ${g.dtype}`:"per-column inputs",y={file:T(c,g.file),layout:g.layout,...g.dtype?{dtype:g.dtype}:{},...g.inputs?{inputs:g.inputs}:{},columns:a.batch.columns,classes:u.classes??null,nan:u.nan??"reject"},w=await Tt(t,y,a.batch,u.expected??[],g.dtype==="float32"?1e-4:1e-6);if(typeof w=="string"){m.push(`${h}: ${w}`);continue}let v={...w,candidate:h};await Se(y.file,T(c,"model.onnx"));let{file:_,...$}=y;await Ee(T(c,"meta.json"),JSON.stringify({ok:!0,converted:$,parity:v,skl2onnx:u.skl2onnx}));for(let O of d)await le(T(c,O.file),{force:!0});let E=await Ne(c,s,r);return l=E===c,{ok:!0,converted:{...y,file:T(E,"model.onnx")},key:n,cached:!1,parity:v,dir:E}}let p=d.length?`no ONNX conversion matched scikit-learn's predictions (${m.join("; ")})`:`skl2onnx could not convert the model (${Et(m)||"no candidate"})`;for(let g of d)await le(T(c,g.file),{force:!0});return await Ee(T(c,"meta.json"),JSON.stringify({ok:!1,reason:p,skl2onnx:u.skl2onnx})),l=await Ne(c,s,r)===c,{ok:!1,reason:p,key:n,cached:!1}}finally{l||await le(c,{recursive:!0,force:!0})}}function Et(t){let e=new Set(t.map(r=>r.slice(r.indexOf(": ")+2)));return e.size===1?[...e][0]:t.join("; ")}async function Te(t){try{return JSON.parse(await Oe(T(t,"meta.json"),"utf8"))}catch{return null}}var Nt=async t=>(await ht(t,{recursive:!0}),t);async function Ne(t,e,r){try{return await Se(t,e),e}catch(n){let o=n.code;return(o==="ENOTEMPTY"||o==="EEXIST")&&await Te(e)?e:(r.warn(`cannot cache the ONNX conversion in ${e} (${n.message}); it is used from ${t} for this run`),t)}}function Ot(t){let e=t.signature;if(e?.kind==="tensors")return"the model has a tensor signature (only column signatures are converted)";let r=null;if(t.inputExample)try{let p=H(U(Buffer.from(JSON.stringify(t.inputExample)),"application/json",e),e);p.kind==="table"&&p.rows.length&&(r=p)}catch{r=null}let n=e?.kind==="columns"?e.columns:null,o=new Set(["double","float","long","integer"]);if(!r){if(!n)return"no input example and no signature to check the conversion on";if(!n.every(p=>o.has(p.type)))return"no input example, and the signature has non-numeric columns to generate";r={kind:"table",columns:n.map(p=>p.name),rows:[n.map(()=>0)]}}let s=r.columns,i=p=>n?.find(f=>f.name===p)?.type,a=s.filter((p,f)=>{let g=i(p);return g?g==="long"||g==="integer":r.rows.every(h=>Number.isInteger(h[f]))}),c=s.map((p,f)=>i(p)?o.has(i(p)):r.rows.every(g=>typeof g[f]=="number")),l=2654435769,u=()=>(l=Math.imul(l^l>>>15,739982445)+1831565813|0,(l>>>0)%1e6/1e6),d=()=>Math.sqrt(-2*Math.log(1-u()))*Math.cos(2*Math.PI*u()),m=[...r.rows];for(let p=0;p<kt;p++){let f=r.rows[p%r.rows.length];m.push(f.map((g,h)=>{if(!c[h]||typeof g!="number")return g;let y=g+d()*Math.max(Math.abs(g)*.25,.5);return a.includes(s[h])?Math.round(y):y}))}return{batch:{kind:"table",columns:s,rows:m},integerColumns:a}}function St(t,e,r,n){let o=n.python??process.env.MLCI_PYTHON??"python3",s=n.logger??P;return new Promise(i=>{let a=ft(o,["-c",Y,t.dir,"sklearn","--convert",r],{stdio:["pipe","pipe","pipe"],env:{...process.env,PYTHONUNBUFFERED:"1",OMP_NUM_THREADS:"1",OPENBLAS_NUM_THREADS:"1"}}),c="",l="",u=setTimeout(()=>a.kill("SIGKILL"),n.timeoutMs??12e4);a.stdout.on("data",d=>c+=d),a.stderr.on("data",d=>l+=d),a.stdin.on("error",()=>{}),a.once("error",d=>{clearTimeout(u),i({fatal:`cannot start ${o}: ${d.message}`})}),a.once("close",(d,m)=>{clearTimeout(u);let p=c.trim().split(`
`).pop()??"";try{let f=JSON.parse(p);f.fatal&&s.debug(`[onnx convert] ${l.trim().split(`
`).slice(-5).join(" | ")}`),i(f)}catch{i({fatal:`the converter exited ${d??m}: ${l.trim().split(`
`).slice(-3).join(" | ")||"no output"}`})}}),a.stdin.end(JSON.stringify({columns:e.batch.columns,rows:e.batch.rows,integer_columns:e.integerColumns}))})}async function Tt(t,e,r,n,o){let s=new I(t,{converted:e});try{await s.start();let i=await s.predict(r);if(i.length!==n.length)return`${i.length} predictions for ${n.length} rows`;let a=0;for(let c=0;c<i.length;c++){let[l,u]=[i[c],n[c]];if(typeof l=="number"&&typeof u=="number"){let d=Math.abs(l-u);if(a=Math.max(a,d),!(d<=o*Math.max(1,Math.abs(u))))return`row ${c}: onnx ${l}, sklearn ${u}`}else if(JSON.stringify(l)!==JSON.stringify(u))return`row ${c}: onnx ${JSON.stringify(l)}, sklearn ${JSON.stringify(u)}`}return{rows:i.length,maxAbsDiff:a}}catch(i){return`onnxruntime: ${i.message.split(`
`)[0]}`}finally{await s.close()}}import{readFile as Rt,readdir as Mt,stat as Pt}from"node:fs/promises";import{basename as It,dirname as At,join as D,resolve as Lt}from"node:path";var V="a model directory is one of: an MLflow model directory (MLmodel + model.pkl/model.skops), a directory with predict.py defining predict(records), or a directory holding one .onnx file (a path to the .onnx file works too)",Bt=new Set(["sklearn","pyfunc","predict.py","onnx"]);async function L(t,e={}){let r=Lt(t),n=await Pt(r).catch(()=>null);if(!n)throw N("no such model directory",{file:t,hint:V});if(e.loader&&!Bt.has(e.loader))throw N(`unknown loader "${e.loader}"`,{hint:"use one of sklearn, pyfunc, predict.py, onnx"});let o=n.isDirectory()?r:At(r);if(!n.isDirectory()&&!r.endsWith(".onnx"))throw N("is a file, expected a model directory or an .onnx file",{file:t,hint:V});let s=await Mt(o).catch(h=>{throw re(t,h)}),i=h=>s.includes(h),a=i("MLmodel")?await Ct(D(o,"MLmodel")):null,c=a?Object.keys(a.flavors??{}):[],l=s.filter(h=>h.endsWith(".onnx")),u=a?.flavors?.onnx,d=n.isDirectory()?typeof u?.data=="string"?u.data:l.length===1?l[0]:void 0:It(r),m=[];i("predict.py")&&m.push("predict.py"),(!n.isDirectory()||u)&&m.push("onnx"),c.includes("sklearn")&&m.push("sklearn"),c.includes("python_function")&&m.push("pyfunc"),!a&&d&&m.push("onnx");let p=e.loader?e.loader:m[0];if(!p)throw N(`cannot tell how to serve this model${l.length>1?` (${l.length} .onnx files; name one)`:""}`,{file:t,hint:V});if(e.loader&&!m.includes(p)&&!(p==="onnx"&&d))throw N(`the ${p} loader does not fit this directory (it fits: ${m.join(", ")||"none"})`,{file:t,hint:V});let f=a?.signature?.inputs,g=ke(f,D(o,"MLmodel"));return{dir:o,loader:p,runtime:p==="onnx"?"onnx":"python",...p==="onnx"?{onnxFile:d}:{},flavors:c,signature:g,inputExample:await jt(o,s),requirements:i("requirements.txt")?Dt(await ce(D(o,"requirements.txt"))):[],...typeof a?.mlflow_version=="string"?{mlflowVersion:a.mlflow_version}:{}}}var ce=t=>Rt(t,"utf8").catch(e=>{throw re(t,e)});async function Ct(t){let e=await ce(t);try{let r=ye(e,t);if(!r||typeof r!="object")throw new Error("not a YAML mapping");return r}catch(r){throw N(`MLmodel is not valid YAML: ${r.message}`,{file:t,hint:"MLflow writes this file; re-save the model with mlflow.<flavor>.save_model"})}}var Re=["dataframe_split","dataframe_records","instances","inputs"];async function jt(t,e){let r=async n=>e.includes(n)?JSON.parse(await ce(D(t,n))):void 0;try{let n=await r("serving_input_example.json");if(n&&typeof n=="object"&&Re.some(s=>s in n))return n;let o=await r("input_example.json");return o===void 0?null:o&&typeof o=="object"&&!Array.isArray(o)?Re.some(s=>s in o)?o:Array.isArray(o.data)?{dataframe_split:o}:{dataframe_records:[o]}:Array.isArray(o)?o.every(s=>s&&typeof s=="object"&&!Array.isArray(s))?{dataframe_records:o}:{inputs:o}:null}catch(n){throw n instanceof x?n:N(`the input example is not valid JSON: ${n.message}`,{file:D(t,"input_example.json")})}}function Dt(t){return t.split(`
`).map(e=>e.replace(/#.*/,"").trim()).filter(Boolean)}import{spawn as qt}from"node:child_process";import{createInterface as Jt}from"node:readline";var Ft=1,Ut=2,Pe=1,Ht=2,Yt=3,Gt=4,ue=class{constructor(e){this.onFrame=e}onFrame;chunks=[];size=0;push(e){for(this.chunks.push(e),this.size+=e.length;this.size>=4;){let r=this.chunks[0];r.length<4&&(r=this.flatten());let n=r.readUInt32LE(0);if(this.size<4+n)return;let o=this.chunks.length===1?r:this.flatten(),s=o.subarray(4,4+n),i=o.subarray(4+n);this.chunks=i.length?[i]:[],this.size=i.length,this.onFrame(s[0],s.readUInt32LE(1),s.subarray(5))}}flatten(){let e=Buffer.concat(this.chunks,this.size);return this.chunks=[e],e}};function Vt(t,e,r){if(e.kind==="tensor"){let l=Buffer.from(JSON.stringify({tensor:e.data}));return Me(Ut,t,l)}let n=J(e,r),o=e.rows.length,s=n.map(l=>{let u=Buffer.from(l.name);if(l.kind==="number"){let p=l.integer?3:l.float32?4:1;return{name:u,type:p,data:Buffer.from(l.values.buffer,l.values.byteOffset,l.values.byteLength)}}let d=Buffer.from(JSON.stringify(l.values)),m=Buffer.allocUnsafe(4+d.length);return m.writeUInt32LE(d.length,0),d.copy(m,4),{name:u,type:2,data:m}}),i=6+s.reduce((l,u)=>l+2+u.name.length+1+u.data.length,0),a=Buffer.allocUnsafe(i);a.writeUInt32LE(o,0),a.writeUInt16LE(s.length,4);let c=6;for(let l of s)a.writeUInt16LE(l.name.length,c),c+=2+l.name.copy(a,c+2),a[c++]=l.type,c+=l.data.copy(a,c);return Me(Ft,t,a)}function Me(t,e,r){let n=Buffer.allocUnsafe(9);return n.writeUInt32LE(r.length+5,0),n[4]=t,n.writeUInt32LE(e>>>0,5),Buffer.concat([n,r])}function zt(t,e){if(t===Pe){let r=new Float64Array(e.buffer.slice(e.byteOffset,e.byteOffset+e.length));return Array.from(r,n=>Number.isFinite(n)?n:null)}return JSON.parse(e.toString("utf8"))}var de=class{constructor(e,r,n,o,s,i){this.index=o;this.logger=s;this.child=qt(r,["-u","-c",Y,e.dir,e.loader],{stdio:["pipe","pipe","pipe"],env:n}),this.exited=new Promise(c=>this.child.once("exit",l=>c(l)));let a=[];Jt({input:this.child.stderr}).on("line",c=>{a.push(c),a.length>20&&a.shift(),s?.info(`[python ${this.child.pid}] ${c}`)}),this.child.stdin.on("error",()=>{}),this.info=new Promise((c,l)=>{this.child.once("error",d=>l(new x("input",`cannot start ${r}: ${d.message}`,{hint:"install Python 3 or point --python / MLCI_PYTHON at it"}))),this.exited.then(d=>l(new x("input",`the Python worker exited (code ${d}) before the model loaded${a.length?`:
  ${a.slice(-8).join(`
  `)}`:""}`)));let u=new ue((d,m,p)=>{if(d!==Gt)return i(this,d,m,p);let f;try{f=JSON.parse(p.toString("utf8"))}catch{return s?.warn(`[python ${this.child.pid}] unreadable hello frame`)}f.ready?(this.ready=!0,c({loader:e.loader,classes:f.classes??null,runtime:`python ${f.python}`,path:"python",pid:this.child.pid,cpu:typeof f.cpu=="number"?f.cpu:null})):typeof f.fatal=="string"&&l(new x("input",`the model could not be loaded: ${f.fatal}`,{file:e.dir,hint:"the Python worker log above has the traceback; check the model's requirements are installed"}))});this.child.stdout.on("data",d=>u.push(d))})}index;logger;child;current=null;ready=!1;info;exited;send(e,r){this.current=e,this.child.stdin.write(r)}kill(e="SIGKILL"){this.child.exitCode===null&&this.child.signalCode===null&&this.child.kill(e)}},z=class{constructor(e,r={}){this.model=e;this.options=r;this.python=r.python??process.env.MLCI_PYTHON??"python3",this.size=Math.min(32,Math.max(1,Math.floor(r.workers??1)));let n=Object.fromEntries(["OMP_NUM_THREADS","OPENBLAS_NUM_THREADS","MKL_NUM_THREADS"].filter(o=>!process.env[o]).map(o=>[o,"1"]));this.env={...process.env,PYTHONUNBUFFERED:"1",...n,...r.env}}model;options;workers=[];queue=[];nextId=1;restarts=0;closing=!1;info=null;python;size;env;windowTimer=null;async start(){let e=Array.from({length:this.size},(o,s)=>this.spawnWorker(s)),r=this.options.startTimeoutMs??12e4,n;try{let o=await Promise.race([Promise.all(e.map(c=>c.info)),new Promise((c,l)=>n=setTimeout(()=>l(new x("input",`the model did not load within ${r} ms`,{hint:"raise --start-timeout for large models"})),r))]),{pid:s,cpu:i,...a}=o[0];return this.info={...a,cpus:o.map(c=>c.cpu)},this.dispatch(),this.info}catch(o){this.closing=!0;for(let s of this.workers)s.kill();throw o}finally{clearTimeout(n)}}isReady(){return!this.closing&&this.workers.some(e=>e.ready)}predict(e){return this.closing?Promise.reject(new S("unavailable","the server is shutting down")):this.queue.length>=(this.options.maxQueue??64)?Promise.reject(new S("busy",`all ${this.size} workers are busy and ${this.queue.length} requests are waiting; retry later`)):new Promise((r,n)=>{let o=e.kind==="table"?e.rows.length:e.data.length;this.queue.push({batch:e,rows:o,resolve:r,reject:n}),this.schedule()})}stats(){return{restarts:this.restarts,queued:this.queue.length,busy:this.workers.filter(e=>e.current).length,workers:this.workers.filter(e=>e.ready).length}}async close(){this.closing=!0,this.windowTimer&&clearTimeout(this.windowTimer);for(let e of this.queue.splice(0))B(e,new S("unavailable","the server is shutting down"));await Promise.all(this.workers.map(async e=>{e.child.stdin.end();let r=setTimeout(()=>e.kill("SIGKILL"),3e3);await e.exited,clearTimeout(r)}))}spawnWorker(e){let n=this.size>1&&this.options.pin!==!1?{...this.env,MLCI_WORKER_INDEX:String(e)}:this.env,o=new de(this.model,this.python,n,e,this.options.logger,(s,i,a,c)=>this.onResult(s,i,a,c));return this.workers.push(o),o.info.then(()=>this.dispatch(),()=>{}),o.exited.then(s=>this.onExit(o,s)),o}onResult(e,r,n,o){let s=e.current;if(!s||n!==s.id)return;clearTimeout(s.timer),e.current=null;let{jobs:i}=s;if(r===Yt)if(i.length>1)this.retryAlone(i);else{let a=JSON.parse(o.toString("utf8"));B(i[0],new S(a.bad_input?"bad_input":"model",String(a.error??"the model failed")))}else{let a=r===Pe||r===Ht?zt(r,o):[];if(i.length===1)B(i[0],a);else if(a.length!==i.reduce((c,l)=>c+l.rows,0))this.retryAlone(i);else{let c=0;for(let l of i)B(l,a.slice(c,c+l.rows)),c+=l.rows}}this.dispatch()}retryAlone(e){for(let r of e)r.solo=!0;this.queue.unshift(...e)}onExit(e,r){this.workers.splice(this.workers.indexOf(e),1);let n=e.current;if(n){clearTimeout(n.timer);for(let s of n.jobs)B(s,new S("crash",`the Python worker died (exit ${r??e.child.signalCode}) during this request; it is being restarted`))}if(this.closing||!this.info)return;this.restarts++,this.options.logger?.warn(`Python worker ${e.child.pid} exited (${r??e.child.signalCode}); restarting it`);let o=Math.min(5e3,100*2**Math.min(6,this.restarts-1));setTimeout(()=>{this.closing||this.spawnWorker(e.index).info.catch(s=>this.options.logger?.error(`Python worker failed to restart: ${s.message}`))},e.ready?0:o).unref()}schedule(){let e=Math.min(50,Math.max(0,this.options.batchWindowMs??0));if(e===0)return this.dispatch();this.windowTimer||(this.windowTimer=setTimeout(()=>{this.windowTimer=null,this.dispatch()},e))}dispatch(){let e=Math.max(1,Math.floor(this.options.maxBatchRows??1024));for(;this.queue.length;){let r=this.workers.find(l=>l.ready&&!l.current&&l.child.exitCode===null);if(!r)return;let n=this.queue.shift(),o=[n],s=n.rows;if(!n.solo&&n.batch.kind==="table"){let l=n.batch.columns.join("\0");for(let u=0;u<this.queue.length&&s<e;){let d=this.queue[u];!d.solo&&d.batch.kind==="table"&&s+d.rows<=e&&d.batch.columns.join("\0")===l?(o.push(d),s+=d.rows,this.queue.splice(u,1)):u++}}let i=o.length===1?n.batch:{kind:"table",columns:n.batch.columns,rows:o.flatMap(l=>l.batch.rows)},a={id:this.nextId++,jobs:o},c=this.options.workerTimeoutMs??3e4;a.timer=setTimeout(()=>{for(let l of o)B(l,new S("timeout",`the model took longer than ${c} ms; its worker was restarted`));r.kill()},c),r.send(a,Vt(a.id,i,this.model.signature))}}};function B(t,e){t.settled||(t.settled=!0,e instanceof S?t.reject(e):t.resolve(e))}import{stat as Wt}from"node:fs/promises";import{resolve as Xt}from"node:path";async function W(t,e=[]){if(!t)throw N("no model given",{hint:"pass a model directory, NAME@ALIAS or a run id"});if(await Wt(t).then(()=>!0,()=>!1))return{dir:Xt(t),ref:t,source:"path"};for(let r of e){let n=await r(t);if(n)return n}throw N(`no model directory at "${t}"${e.length?", and no registry version or run by that name":""}`,{hint:"pass a model directory (MLflow model, predict.py, or .onnx), NAME@ALIAS / NAME@vX.Y.Z from the registry, or a run id"})}import{createServer as Kt}from"node:http";var Qt=1e3,Ie=JSON.stringify({error_code:"TEMPORARILY_UNAVAILABLE",message:"the model is loading"});async function X(t={}){let e=t.host??"127.0.0.1",r=t.port??8080,n=t.requestTimeoutMs??3e4,o=Kt({requestTimeout:n,headersTimeout:Math.min(t.headersTimeoutMs??1e4,n),keepAliveTimeout:t.keepAliveTimeoutMs??5e3,connectionsCheckingInterval:Math.min(Qt,n)});o.setTimeout(t.idleTimeoutMs??6e4),o.on("request",(i,a)=>{a.writeHead(503,{"content-type":"application/json","content-length":Buffer.byteLength(Ie),"retry-after":"5"}),a.end(Ie)}),await new Promise((i,a)=>{o.once("error",c=>a(Zt(c,e,r))),o.listen(r,e,()=>i())}),o.removeAllListeners("error");let s=o.address().port;return{server:o,host:e,port:s,url:`http://${e.includes(":")?`[${e}]`:e}:${s}`}}function Zt(t,e,r){let n=t?.code,o=`${e.includes(":")?`[${e}]`:e}:${r}`,s="choose another port with --port N (--port 0 picks a free one)";switch(n){case"EADDRINUSE":return new x("usage",`cannot listen on ${o}: the port is already in use`,{hint:`stop what listens there, or ${s}`,cause:t});case"EACCES":case"EPERM":return new x("usage",`cannot listen on ${o}: permission denied`,{hint:`ports below 1024 need privileges; ${s}`,cause:t});case"EADDRNOTAVAIL":return new x("usage",`cannot listen on ${o}: ${e} is not an address of this machine`,{hint:"use --host 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces, e.g. inside a container)",cause:t});case"ENOTFOUND":case"EAI_AGAIN":case"EAI_NONAME":return new x("usage",`cannot listen on ${o}: the host name ${e} does not resolve`,{hint:"give --host as an IP address, e.g. 127.0.0.1 or 0.0.0.0",cause:t});case"EMFILE":case"ENFILE":return new x("usage",`cannot listen on ${o}: too many open files`,{hint:"raise the limit (`ulimit -n 4096`), then retry",cause:t});default:return t}}var en=[5e-4,.001,.0025,.005,.01,.025,.05,.1,.25,.5,1,2.5,5,10],tn=[-1e6,-1e4,-1e3,-100,-10,-1,-.1,0,.1,1,10,100,1e3,1e4,1e6],Ae=100,Q=class{constructor(e){this.buckets=e;this.counts=new Array(e.length).fill(0)}buckets;counts;sum=0;count=0;observe(e){this.sum+=e,this.count++;let r=this.buckets.findIndex(n=>e<=n);r>=0&&this.counts[r]++}render(e,r){let n=[],o=0;return this.buckets.forEach((s,i)=>{o+=this.counts[i],n.push(`${e}_bucket{${r}${r?",":""}le="${s}"} ${o}`)}),n.push(`${e}_bucket{${r}${r?",":""}le="+Inf"} ${this.count}`),n.push(`${e}_sum${r?`{${r}}`:""} ${this.sum}`,`${e}_count${r?`{${r}}`:""} ${this.count}`),n}},K=t=>t.replace(/\\/g,"\\\\").replace(/"/g,'\\"').replace(/\n/g,"\\n"),Z=class{constructor(e,r="python"){this.classifier=e;this.path=r}classifier;path;requests=new Map;latency=new Map;errors=new Map;classes=new Map;values=new Q(tn);rows=0;request(e,r,n){let o=`route="${e}",status="${r}"`;this.requests.set(o,(this.requests.get(o)??0)+1);let s=this.latency.get(e);s||this.latency.set(e,s=new Q(en)),s.observe(n)}error(e){this.errors.set(e,(this.errors.get(e)??0)+1)}predictions(e){this.rows+=e.length;let r=this.classifier();for(let n of e)if(!r&&typeof n=="number")this.values.observe(n);else if(typeof n=="string"||typeof n=="number"||typeof n=="boolean"){let o=String(n),s=this.classes.has(o)||this.classes.size<Ae?o:"__other__";this.classes.set(s,(this.classes.get(s)??0)+1)}}render(e){let r=[],n=(o,s,i)=>r.push(`# HELP ${o} ${i}`,`# TYPE ${o} ${s}`);n("mlci_http_requests_total","counter","HTTP requests by route and status code.");for(let[o,s]of this.requests)r.push(`mlci_http_requests_total{${o}} ${s}`);n("mlci_http_request_duration_seconds","histogram","HTTP request latency by route, from the first byte read to the last byte written.");for(let[o,s]of this.latency)r.push(...s.render("mlci_http_request_duration_seconds",`route="${K(o)}"`));n("mlci_prediction_errors_total","counter","Failed /invocations by reason.");for(let[o,s]of this.errors)r.push(`mlci_prediction_errors_total{reason="${K(o)}"} ${s}`);n("mlci_predicted_rows_total","counter","Rows predicted, by serving path (onnx: in-process onnxruntime-node; python: worker)."),r.push(`mlci_predicted_rows_total{path="${K(this.path)}"} ${this.rows}`),n("mlci_predictions_by_class_total","counter",`Predictions per class label (classifiers; at most ${Ae} labels, then __other__).`);for(let[o,s]of this.classes)r.push(`mlci_predictions_by_class_total{class="${K(o)}"} ${s}`);n("mlci_prediction_value","histogram","Distribution of numeric predictions (regressors)."),r.push(...this.values.render("mlci_prediction_value",""));for(let[o,s]of Object.entries(e))n(o.split("{")[0],"gauge",s.help),r.push(`${o} ${s.value}`);return r.join(`
`)+`
`}};var nn="0.1.0",rn="application/json";async function Le(t){let{model:e,predictor:r,info:n}=t,o=t.logger??P,s=t.maxBodyBytes??10*1024*1024,i=()=>n.classes!==null,a=new Z(i,n.path),c=0,l=!1,u=(h,y,w,v=rn)=>{h.headersSent||(h.writeHead(y,{"content-type":v,"content-length":Buffer.byteLength(w),...l?{connection:"close"}:{}}),h.end(w))},d={"GET /ping":(h,y)=>r.isReady()&&!l?u(y,200,`
`):u(y,503,new b(503,"the model is not ready").body()),"GET /health":(h,y)=>{let w=r.isReady()&&!l,v=r.stats();u(y,w?200:503,JSON.stringify({status:w?"ok":"unavailable",path:n.path,loader:n.loader,runtime:n.runtime,workers:v.workers,...n.cpus?{cpus:n.cpus}:{},...n.fallback?{fallback:n.fallback}:{}}))},"GET /version":(h,y)=>u(y,200,JSON.stringify({server:"mlci",version:nn,loader:n.loader,runtime:n.runtime,path:n.path,...e.mlflowVersion?{mlflow_version:e.mlflowVersion}:{},...t.versionInfo})),"GET /metrics":(h,y)=>{let w=r.stats(),v=a.render({mlci_model_ready:{help:"1 while /ping answers 200.",value:r.isReady()?1:0},[`mlci_serving_path{path="${n.path}"}`]:{help:"The path that serves predictions (1): onnx in-process, or python workers.",value:1},mlci_worker_restarts_total:{help:"Python workers restarted after a crash or timeout (a counter, reported as a gauge of the running total).",value:w.restarts},mlci_queue_depth:{help:"Requests waiting for a free worker.",value:w.queued},mlci_workers_busy:{help:"Workers running a prediction.",value:w.busy},mlci_workers_ready:{help:"Workers with the model loaded.",value:w.workers},mlci_in_flight_requests:{help:"HTTP requests being handled.",value:c},process_resident_memory_bytes:{help:"Resident memory of the server process (not its workers).",value:process.memoryUsage.rss()}});u(y,200,v,"text/plain; version=0.0.4; charset=utf-8")},"POST /invocations":async(h,y)=>{let w=await sn(h,s),v;try{v=H(U(w,h.headers["content-type"],e.signature),e.signature)}catch(E){throw E instanceof b&&a.error("validation"),E}if((v.kind==="table"?v.rows.length:v.data.length)===0)return u(y,200,JSON.stringify({predictions:[]}));let $;try{$=await r.predict(v)}catch(E){throw E instanceof S?(a.error(E.reason),new b(on[E.reason],E.message,E.reason==="bad_input"?"BAD_REQUEST":E.reason==="timeout"||E.reason==="busy"||E.reason==="crash"||E.reason==="unavailable"?"TEMPORARILY_UNAVAILABLE":"INTERNAL_ERROR")):E}a.predictions($),u(y,200,JSON.stringify({predictions:$}))}},m=t.bound??await X(t),{server:p,host:f}=m;p.removeAllListeners("request"),p.on("request",(h,y)=>{let w=process.hrtime.bigint(),v=(h.url??"/").split("?")[0],_=`${h.method} ${v}`,$=d[_]?v:"other";c++,y.once("close",()=>{c--;let O=Number(process.hrtime.bigint()-w)/1e9;a.request($,y.statusCode,O),y.statusCode>=400&&o.info(`${h.method} ${v} ${y.statusCode} ${(O*1e3).toFixed(1)} ms`)});let E=d[_];if(!E){let O=Object.keys(d).find(Ze=>Ze.endsWith(` ${v}`));return u(y,O?405:404,new b(O?405:404,O?`${v} takes ${O.split(" ")[0]}`:`no route ${v}; the server answers POST /invocations, GET /ping, /health, /version, /metrics`,O?"BAD_REQUEST":"ENDPOINT_NOT_FOUND").body())}Promise.resolve().then(()=>E(h,y)).catch(O=>{if(O instanceof b)return O.status===413&&y.setHeader("connection","close"),u(y,O.status,O.body());o.error(`internal error on ${_}: ${O?.stack??O}`),u(y,500,new b(500,`internal error in mlci serve: ${O?.message??O}`).body())})});let g=null;return{url:m.url,host:f,port:m.port,metrics:a,close(){return g??=(async()=>{l=!0;let h=new Promise(w=>p.close(()=>w()));p.closeIdleConnections();let y=setTimeout(()=>p.closeAllConnections(),t.shutdownGraceMs??1e4);await h,clearTimeout(y),await r.close()})(),g}}}var on={bad_input:400,model:500,timeout:504,crash:503,busy:503,unavailable:503};function sn(t,e){let r=Number(t.headers["content-length"]);return Number.isFinite(r)&&r>e?(t.resume(),Promise.reject(new b(413,`the request body is ${r} bytes; the limit is ${e} (--max-body)`))):new Promise((n,o)=>{let s=[],i=0;t.on("data",a=>{i+=a.length,i>e?(t.removeAllListeners("data"),t.resume(),o(new b(413,`the request body passed ${e} bytes (--max-body)`))):s.push(a)}),t.on("end",()=>n(Buffer.concat(s))),t.on("error",o)})}function an(t,e={}){return t.runtime==="onnx"?new I(t):new z(t,e)}async function ln(t,e={}){let r=e.runtime??"auto",n=e.logger??P;if(r==="onnx"&&t.loader!=="sklearn"&&t.runtime!=="onnx")throw new x("usage",`--runtime onnx converts sklearn models only; this one has the ${t.loader} loader`,{hint:"drop --runtime (auto), or use --runtime python"});let o;if(t.loader==="sklearn"&&r!=="python"){let i=await se().then(()=>G(t,{python:e.python,cacheDir:e.onnxCacheDir,logger:n}),a=>({ok:!1,reason:a.message,cached:!1}));if(i.ok){let a=new I(t,{converted:i.converted}),c=await a.start();return n.info(`serving through ONNX (${i.parity.candidate}; parity on ${i.parity.rows} rows, max |diff| ${i.parity.maxAbsDiff.toExponential(1)}${i.cached?"; cached":""})`),{predictor:a,info:c}}if(r==="onnx")throw new x("input",`the model cannot be served through ONNX: ${i.reason}`,{file:t.dir,hint:"drop --runtime onnx to serve it through the Python worker"});o=i.reason,n.info(`serving through the Python worker: ${o}`)}let s=an(t,e);try{let i=await s.start();return{predictor:s,info:o?{...i,fallback:o}:i}}catch(i){throw await s.close().catch(()=>{}),i}}async function qr(t,e={}){let r=e.idleTimeoutMs??(e.workerTimeoutMs??3e4)+1e4,n=await X({...e,idleTimeoutMs:r}),o=()=>new Promise(i=>{n.server.close(()=>i()),n.server.closeAllConnections()}),s;try{s=await W(t,e.resolvers)}catch(i){throw await o(),i}try{let i=await L(s.dir,{loader:e.loader}),{predictor:a,info:c}=await ln(i,e),l=await Le({...e,bound:n,model:i,predictor:a,info:c,versionInfo:{model:s.ref,...s.version?{model_version:s.version}:{}}}).catch(async u=>{throw await a.close(),u});return{server:l,model:i,info:c,resolved:s,async close(){await l.close(),await s.cleanup?.()}}}catch(i){throw await o(),await s.cleanup?.(),i}}import{mkdir as cn,mkdtemp as Be,rm as Ce}from"node:fs/promises";import{tmpdir as je}from"node:os";import{dirname as De,isAbsolute as un,join as A,relative as dn}from"node:path";async function mn(t,e={}){let{openBackends:r}=await import("./src-QVNZEIRJ.js"),{registry:n,kinds:o}=await r({token:e.token||void 0,env:e.env,logger:e.logger,projectDir:t,registry:e.registry??"local",store:"local"});return{registry:n,kind:o.registry}}function pn(t,e={}){return async r=>{if(!/^[^@/\\]+@[^@/\\]+$/.test(r))return null;let{downloadVersion:n}=await import("./src-QVNZEIRJ.js"),{registry:o,kind:s}=await mn(t,e),i=s==="github"?`the GitHub registry (releases of ${o.location})`:`the local registry (${o.location})`,a=await Be(A(je(),"mlci-serve-")),c=()=>Ce(a,{recursive:!0,force:!0});try{let l=await n(o,r,A(a,"version")),u=hn(l.files.map(m=>m.path),l.to),d=dn(a,u);if(d.startsWith("..")||un(d))throw N(`${r}: the model directory ${u} is outside the download directory`,{hint:"the card names unsafe paths; re-register the model"});return{dir:u,ref:r,source:"registry",version:l.version,registry:{kind:s,location:o.location},cleanup:c}}catch(l){if(await c(),l instanceof x){let u=s==="github"?"local":"github";throw new x(l.kind,`${r} from ${i}: ${l.message}`,{hint:[l.hint,`the registry is chosen by the \`registry\` input (auto|github|local); ${u} looks elsewhere`].filter(Boolean).join("; "),cause:l})}throw l}}}function fn(t){return async e=>{let{openStore:r,RunNotFoundError:n}=await import("./src-EF5ODCCS.js"),o=await r({projectDir:t}),s=await o.getRun(e).catch(c=>{if(c instanceof n)return null;throw c});if(!s)return null;let i=s.artifacts.filter(c=>c.path.startsWith("model/"));if(!i.length)throw ge(`run ${s.id} has no model artifacts under model/`,'log the model with mlflow.<flavor>.log_model(..., name="model")');let a=await Be(A(je(),"mlci-serve-"));for(let c of i)await cn(De(A(a,c.path)),{recursive:!0}),await o.restoreBlob(c.sha256,A(a,c.path));return{dir:A(a,"model"),ref:e,source:"run",version:s.id,cleanup:()=>Ce(a,{recursive:!0,force:!0})}}}var Gr=(t,e={})=>[pn(t,e),fn(t)];function hn(t,e){let r=t.find(n=>/(^|\/)(MLmodel|predict\.py)$/.test(n))??t.find(n=>n.endsWith(".onnx"));return r?A(e,De(r)):e}import{connect as gn}from"node:net";function me(t,e){return t.length?t[Math.min(t.length-1,Math.max(0,Math.ceil(e/100*t.length)-1))]:NaN}async function qe(t){let e=Math.min(1e6,Math.max(1,Math.floor(t.requests??200))),r=Math.min(256,Math.max(1,Math.floor(t.concurrency??1))),n=new URL("/invocations",t.url);if(n.protocol!=="http:")throw new Error(`loadTest speaks plain http only, got ${n.protocol}`);let o=Buffer.from(t.body),s=Buffer.from(`POST ${n.pathname} HTTP/1.1\r
Host: ${n.host}\r
Content-Type: ${t.contentType??"application/json"}\r
Content-Length: ${o.length}\r
Connection: keep-alive\r
\r
`),i=Buffer.concat([s,o]),a=t.timeoutMs??3e4,c=n.hostname.replace(/^\[|\]$/g,""),l=Array.from({length:r},()=>new pe(c,Number(n.port||80))),u=[...l],d=async()=>{let _=u.pop(),$=process.hrtime.bigint(),E=await _.request(i,a);return u.push(_),{...E,ms:Number(process.hrtime.bigint()-$)/1e6}};for(let _=0;_<(t.warmup??0);_++)await d();let m=[],p={},f=null,g=0,h=process.hrtime.bigint();await Promise.all(Array.from({length:Math.min(r,e)},async()=>{for(;g<e;){g++;let _=await d();m.push(_.ms),p[String(_.status)]=(p[String(_.status)]??0)+1,_.status===200&&f===null&&(f=_.text)}}));let y=Number(process.hrtime.bigint()-h)/1e9;for(let _ of l)_.close();u=[],m.sort((_,$)=>_-$);let w=p[200]??0,v=_=>Math.round(_*1e3)/1e3;return{requests:e,concurrency:r,ok:w,errors:e-w,statuses:p,seconds:v(y),throughput:v(w/y),latencyMs:{p50:v(me(m,50)),p95:v(me(m,95)),p99:v(me(m,99)),max:v(m[m.length-1]??NaN),mean:v(m.reduce((_,$)=>_+$,0)/(m.length||1))},firstBody:f}}var pe=class{constructor(e,r){this.host=e;this.port=r}host;port;socket=null;pending=null;buffer=Buffer.alloc(0);request(e,r){return new Promise(n=>{let o=setTimeout(()=>this.fail(),r);this.pending={resolve:n,timer:o},this.buffer=Buffer.alloc(0),this.open().write(e)})}close(){this.socket?.destroy(),this.socket=null}open(){if(this.socket&&!this.socket.destroyed)return this.socket;let e=gn({host:this.host,port:this.port,noDelay:!0});return e.on("data",r=>{this.buffer=this.buffer.length?Buffer.concat([this.buffer,r]):r,this.parse()}),e.on("error",()=>this.fail()),e.on("close",()=>{this.socket===e&&(this.socket=null),this.fail()}),this.socket=e,e}fail(){let e=this.pending;e&&(this.pending=null,clearTimeout(e.timer),this.close(),e.resolve({status:"error",text:""}))}parse(){let e=this.pending;if(!e)return;let r=this.buffer.indexOf(`\r
\r
`);if(r<0)return;let n=this.buffer.subarray(0,r).toString("latin1"),o=Number(/^HTTP\/1\.[01] (\d{3})/.exec(n)?.[1]??0),s=/\r\ncontent-length:\s*(\d+)/i.exec(n),i;if(s){let a=Number(s[1]);if(this.buffer.length<r+4+a)return;i=this.buffer.subarray(r+4,r+4+a).toString("utf8")}else if(/\r\ntransfer-encoding:\s*chunked/i.test(n)){let a=[],c=r+4;for(;;){let l=this.buffer.indexOf(`\r
`,c);if(l<0)return;let u=parseInt(this.buffer.subarray(c,l).toString("latin1"),16);if(u===0){if(this.buffer.indexOf(`\r
`,l+2)<0)return;break}if(this.buffer.length<l+2+u+2)return;a.push(this.buffer.subarray(l+2,l+2+u)),c=l+2+u+2}i=Buffer.concat(a).toString("utf8")}else return;this.pending=null,clearTimeout(e.timer),/\r\nconnection:\s*close/i.test(n)&&this.close(),e.resolve({status:o,text:i})}};var yn="node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0",wn="python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b",Je=t=>JSON.stringify(t),ee="/opt/mlci-venv";function Fe(t){let e=t.port??8080,n=["# Generated by mlci build-serve-image. Bases are pinned by digest; override with --build-arg.",`ARG NODE_IMAGE=${t.nodeImage??yn}`];t.runtime==="python"?(n.push(`ARG PYTHON_IMAGE=${t.pythonImage??wn}`,"FROM ${NODE_IMAGE} AS node","FROM ${PYTHON_IMAGE}","COPY --from=node /usr/local/bin/node /usr/local/bin/node"),n.push("RUN node --version && python3 --version"),t.hasRequirements&&n.push("COPY requirements.txt /tmp/requirements.txt",`RUN python3 -m venv ${ee} && ${ee}/bin/python -m pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt && rm /tmp/requirements.txt`,`ENV PATH=${ee}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`)):(n.push("FROM ${NODE_IMAGE}","RUN node --version"),t.onnxCache&&n.push("COPY onnx-cache/ /onnx-cache/"));for(let[o,s]of Object.entries(t.labels??{}))n.push(`LABEL ${o}=${Je(s)}`);return n.push("COPY app/ /app/","COPY model/ /model/","# A numeric non-root user: works on any base, with or without /etc/passwd.","USER 10001:10001",t.runtime==="python"?`ENV NODE_ENV=production PYTHONDONTWRITEBYTECODE=1 MLCI_PYTHON=${t.hasRequirements?`${ee}/bin/python3`:"python3"}`:`ENV NODE_ENV=production${t.onnxCache?" MLCI_ONNX_CACHE=/onnx-cache":""}`,`EXPOSE ${e}`,`HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["node", "-e", ${Je(`fetch('http://127.0.0.1:${e}/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`)}]`,"STOPSIGNAL SIGTERM",`ENTRYPOINT ["node", "/app/cli.js", "serve", "/model", "--host", "0.0.0.0", "--port", "${e}"${t.onnxCache?', "--runtime", "onnx"':""}]`,""),n.join(`
`)}import{cp as q,mkdir as bn,readdir as vn,rm as Ue,stat as te}from"node:fs/promises";import{createRequire as Ye}from"node:module";import{dirname as Ge,join as k,resolve as He}from"node:path";var fe=`bin/napi-v6/linux/${process.arch}`;function xn(t){for(let e of[k(t,"package.json"),k(process.cwd(),"package.json")])try{return Ge(Ye(e).resolve("onnxruntime-node/package.json"))}catch{}return null}async function kn(t,e){let r=k(e,"node_modules/onnxruntime-node");for(let o of["package.json","dist","lib",fe])await te(k(t,o)).catch(()=>null)&&await q(k(t,o),k(r,o),{recursive:!0});if(!await te(k(r,fe)).catch(()=>null))throw N(`onnxruntime-node at ${t} has no ${fe} binaries for a Linux image`,{hint:"build the image on linux/x64 or linux/arm64, or use runtime: python"});let n=Ge(Ye(k(t,"package.json")).resolve("onnxruntime-common/package.json"));await q(n,k(e,"node_modules/onnxruntime-common"),{recursive:!0})}async function Ve(t){let e=await L(t.modelDir),r=He(t.serverDist);if(!await te(k(r,"cli.js")).catch(()=>null))throw N(`no bundled server (cli.js) in ${r}`,{hint:"build mlci first: node scripts/build.mjs"});let n=He(t.outDir);await Ue(n,{recursive:!0,force:!0}),await bn(k(n,"app"),{recursive:!0}),await q(k(r,"cli.js"),k(n,"app/cli.js"));for(let l of["chunks","workers"])await te(k(r,l)).catch(()=>null)&&await q(k(r,l),k(n,"app",l),{recursive:!0});await j(k(n,"app/package.json"),JSON.stringify({name:"mlci-serve-image",private:!0,type:"module"},null,2)+`
`),await q(e.dir,k(n,"model"),{recursive:!0,filter:l=>!/(^|\/)(__pycache__|\.git)(\/|$)/.test(l)});let o=e.runtime,s=null,i=e.runtime==="onnx"||e.loader==="sklearn"&&t.runtime!=="python"?xn(r):null;if(e.loader==="sklearn"&&t.runtime!=="python"){let l=await L(k(n,"model")),u=i?await G(l,{cacheDir:k(n,"onnx-cache"),python:t.python,logger:t.logger}):{ok:!1,reason:"onnxruntime-node is not installed where the image is built"};if(u.ok)o="onnx",s={converted:!0,key:u.key,parity:u.parity},t.logger?.info(`ONNX conversion baked in (${u.parity.candidate}, parity on ${u.parity.rows} rows): a Node-only image`);else{if(t.runtime==="onnx")throw N(`the model cannot be served through ONNX: ${u.reason}`,{file:e.dir,hint:"use runtime: auto or python"});s={converted:!1,reason:u.reason},t.logger?.info(`no ONNX conversion (${u.reason}): the image runs the Python worker`),await Ue(k(n,"onnx-cache"),{recursive:!0,force:!0})}}if(o==="onnx"){if(!i)throw N("an ONNX model image needs onnxruntime-node where it is built, and it is not installed",{hint:"ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node"});await kn(i,k(n,"app"))}let a=o==="python"?e.requirements:[];e.loader==="sklearn"&&(a=[...a.filter(l=>!/^mlflow([-_a-z]*)?\b/i.test(l)),...a.some(l=>/^pyyaml\b/i.test(l))?[]:["pyyaml"]]),a.length&&await j(k(n,"requirements.txt"),a.join(`
`)+`
`);let c=Fe({runtime:o,hasRequirements:a.length>0,onnxCache:s?.converted===!0,...t.dockerfile});return await j(k(n,"Dockerfile"),c),await j(k(n,".dockerignore"),`**/__pycache__
**/.git
`),{dir:n,model:await L(k(n,"model")),dockerfile:c,requirements:a,runtime:o,onnx:s}}async function ze(t){let e=[],r=async n=>{for(let o of await vn(k(t,n),{withFileTypes:!0})){let s=n?`${n}/${o.name}`:o.name;o.isDirectory()?await r(s):e.push(s)}};return await r(""),e.sort()}import{execFile as _n}from"node:child_process";function M(t,e,r={}){return new Promise(n=>{let o=_n(t,e,{env:r.env??process.env,timeout:r.timeoutMs??6e5,maxBuffer:67108864},(s,i,a)=>{let c=s?typeof s.code=="number"?Number(s.code):127:0;n({code:c,stdout:String(i),stderr:String(a)||(s&&!a?s.message:"")})});r.input!==void 0&&o.stdin?.end(r.input)})}async function We(t=process.env,e="auto"){let r=[];for(let n of e==="auto"?["docker","podman"]:[e]){let o=await M(n,["version","--format","{{.Server.Version}}"],{env:t,timeoutMs:15e3});if(o.code===0&&o.stdout.trim()){let s=n==="docker"&&(await M("docker",["buildx","version"],{env:t,timeoutMs:15e3})).code===0;return{builder:{tool:n,version:o.stdout.trim(),buildx:s},tried:r}}r.push(`${n}: ${(o.stderr||o.stdout).trim().split(`
`).pop()||`exit ${o.code}`}`)}return{builder:null,tried:r}}var C=(t,e)=>new x("remote",`${t} failed (exit ${e.code}): ${(e.stderr||e.stdout).trim().split(`
`).slice(-6).join(`
  `)}`);async function Xe(t,e,r,n,o,s){let i=["build",...r.flatMap(l=>["-t",l]),...Object.entries(n).flatMap(([l,u])=>["--build-arg",`${l}=${u}`]),e];t.tool==="docker"&&t.buildx&&i.splice(1,0,"--load"),s?.info(`${t.tool} ${i.join(" ")}`);let a=await M(t.tool,t.tool==="docker"&&t.buildx?["buildx",...i]:i,{env:o});if(a.code!==0)throw C(`${t.tool} build`,a);let c=await M(t.tool,["image","inspect","--format","{{.Id}}",r[0]],{env:o});if(c.code!==0)throw C(`${t.tool} image inspect`,c);return c.stdout.trim()}async function Ke(t,e,r,n){let o=t.tool==="podman"?["--ulimit","nofile=4096:4096","--ulimit","nproc=4096:4096"]:[],s=await M(t.tool,["run","-d",...o,"-p",`127.0.0.1::${r}`,e],{env:n,timeoutMs:6e4});if(s.code!==0)throw C(`${t.tool} run`,s);let i=s.stdout.trim().split(`
`).pop(),a=await M(t.tool,["port",i,String(r)],{env:n}),c=/:(\d+)\s*$/m.exec(a.stdout)?.[1];if(!c)throw C(`${t.tool} port`,a);return{id:i,url:`http://127.0.0.1:${c}`,async stop(){let l=Date.now();await M(t.tool,["stop","-t","10",i],{env:n,timeoutMs:3e4});let u=await M(t.tool,["inspect","--format","{{.State.ExitCode}}",i],{env:n});return await M(t.tool,["rm","-f",i],{env:n}),{seconds:(Date.now()-l)/1e3,exitCode:u.code===0?Number(u.stdout.trim()):null}},async logs(){let l=await M(t.tool,["logs",i],{env:n});return l.stdout+l.stderr}}}async function Qe(t,e,r,n,o,s){if(t.tool==="docker"&&t.buildx){let a=`${e}.metadata.json`,c=["buildx","build","--push","--sbom=true","--provenance=mode=max","--metadata-file",a,...r.flatMap(m=>["-t",m]),...Object.entries(n).flatMap(([m,p])=>["--build-arg",`${m}=${p}`]),e];s?.info(`docker ${c.join(" ")}`);let l=await M("docker",c,{env:o});if(l.code!==0)throw C("docker buildx build --push",l);let{readFile:u}=await import("node:fs/promises");return{digest:JSON.parse(await u(a,"utf8"))["containerimage.digest"],sbom:!0,provenance:!0}}let i="";for(let a of r){let c=await M(t.tool,["push",a],{env:o});if(c.code!==0)throw C(`${t.tool} push ${a}`,c);i||=/digest: (sha256:[0-9a-f]{64})/.exec(c.stdout+c.stderr)?.[1]??""}return{digest:i,sbom:!1,provenance:!1}}function he(t){return t.replace(/[^A-Za-z0-9_.-]+/g,"-").replace(/^[.-]+/,"").slice(0,128)||"latest"}import{spawn as $n}from"node:child_process";import{existsSync as En}from"node:fs";import{basename as Nn,join as ne}from"node:path";async function yo(t){let e=t.logger??P,r=t.group??((s,i)=>i()),n=t.env??process.env,o=await W(t.model,t.resolvers);try{let s=t.modelVersion??o.version??null,i=t.commit??n.GITHUB_SHA??"",a=o.source==="registry"?o.ref.split("@")[0]:Nn(o.dir),c=(t.image??`mlci-serve/${he(a).toLowerCase()}`).toLowerCase(),l=[...new Set([`${c}:${s?he(s):"latest"}`,...i?[`${c}:sha-${i.slice(0,12)}`]:[]])],u={"org.opencontainers.image.title":a,...s?{"org.opencontainers.image.version":s}:{},...i?{"org.opencontainers.image.revision":i}:{},...n.GITHUB_REPOSITORY?{"org.opencontainers.image.source":`${n.GITHUB_SERVER_URL??"https://github.com"}/${n.GITHUB_REPOSITORY}`}:{}},d=await r("Build context",async()=>{let w=await Ve({modelDir:o.dir,outDir:t.contextDir,serverDist:t.serverDist,dockerfile:{labels:u},runtime:t.runtime,python:t.python,logger:e});return e.info(w.dockerfile),w}),m=d.model.inputExample;if(!m)throw new x("input","the model has no input example to smoke-test the image with",{file:o.dir,hint:"save the model with input_example=... (mlflow.<flavor>.save_model / log_model), or add input_example.json"});let p=JSON.stringify(m),{builder:f,tried:g}=t.builder==="none"?{builder:null,tried:["builder: none (asked)"]}:await We(n,t.builder==="docker"||t.builder==="podman"?t.builder:"auto"),h={model:{ref:o.ref,dir:o.dir,loader:d.model.loader,version:s,source:o.source,registry:o.registry??null},context:{dir:d.dir,files:await ze(d.dir),requirements:d.requirements,runtime:d.runtime,onnx:d.onnx},container:{exercised:!1,builder:f?`${f.tool} ${f.version}`:null,imageId:null,reason:null,stopSeconds:null,stopExitCode:null},tags:l,smoke:{target:f?"container":"server-from-context",predictions:[],load:void 0},push:{pushed:!1,digest:null,sbom:!1,provenance:!1,reason:null}},y=f?await r(`Build image (${f.tool})`,async()=>(h.container.imageId=await Xe(f,d.dir,l,t.buildArgs??{},n,e),On(f,l[0],n))):await Sn(d.dir,n);f||(h.container.reason=`no container builder can run here (${g.join("; ")}); the container step was NOT exercised: the server ran from the built context instead`,e.warn(h.container.reason));try{await r("Smoke test /invocations",async()=>{await Tn(y.url,t.readyTimeoutMs??12e4,y.logs);let w=await fetch(`${y.url}/invocations`,{method:"POST",headers:{"content-type":"application/json"},body:p,signal:AbortSignal.timeout(12e4)}).catch(E=>{throw new x("input",`the smoke test's first request to ${y.url}/invocations failed: ${E.message}`,{hint:"the server answered /ping but not a prediction within 120 s: check the container log"})}),v=await w.text();if(w.status!==200)throw new x("input",`the smoke test got ${w.status} for the model's input example: ${v.slice(0,500)}`,{hint:"the image serves, but not this model with its own example: check the signature and requirements"});h.smoke.predictions=JSON.parse(v).predictions;let{firstBody:_,...$}=await qe({url:y.url,body:p,requests:t.smokeRequests??100,concurrency:t.smokeConcurrency??4});if(h.smoke.load=$,$.errors)throw new x("input",`the smoke test had ${$.errors} failed requests of ${$.requests} (${JSON.stringify($.statuses)})`);e.info(`smoke: ${$.ok}/${$.requests} ok, p50 ${$.latencyMs.p50} ms, p95 ${$.latencyMs.p95} ms, p99 ${$.latencyMs.p99} ms, ${$.throughput} req/s`)})}finally{let w=await y.stop();f&&Object.assign(h.container,{exercised:!0,stopSeconds:w.seconds,stopExitCode:w.exitCode})}return t.push?f?await r("Push",async()=>{let w=await Qe(f,d.dir,l,t.buildArgs??{},n,e);Object.assign(h.push,{pushed:!0,digest:w.digest||null,sbom:w.sbom,provenance:w.provenance}),w.sbom||(h.push.reason=`${f.tool} has no buildx here: pushed without SBOM or provenance attestations`)}):h.push.reason="no container builder: nothing was built, so nothing was pushed":h.push.reason="push not requested",h}finally{await o.cleanup?.()}}async function On(t,e,r){return Ke(t,e,8080,r)}async function Sn(t,e){let r=En(ne(t,"onnx-cache")),n=[ne(t,"app/cli.js"),"serve",ne(t,"model"),"--port","0","--json",...r?["--runtime","onnx"]:[]],o=$n(process.execPath,n,{env:{...e,NO_COLOR:"1",...r?{MLCI_ONNX_CACHE:ne(t,"onnx-cache")}:{}},stdio:["ignore","pipe","pipe"]}),s="",i="";o.stderr.on("data",l=>i+=l);let a=new Promise(l=>o.once("exit",u=>l(u)));return{url:await new Promise((l,u)=>{o.stdout.on("data",d=>{s+=d;try{l(JSON.parse(s).url)}catch{}}),a.then(d=>u(new x("input",`the server in the context exited ${d} before it was ready:
${i.slice(-2e3)}`)))}),async stop(){let l=Date.now();o.exitCode===null&&o.kill("SIGTERM");let u=await a;return{seconds:(Date.now()-l)/1e3,exitCode:u}},logs:async()=>i}}async function Tn(t,e,r){let n=Date.now()+e;for(;Date.now()<n;){if(await fetch(`${t}/ping`,{signal:AbortSignal.timeout(5e3)}).then(s=>s.status===200,()=>!1))return;await new Promise(s=>setTimeout(s,200))}throw new x("input",`the server did not answer /ping within ${e} ms; its log:
${(await r()).slice(-3e3)}`)}export{qr as a,Gr as b,yo as c};
