import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as j,q as ve}from"./chunk-P5EUATTR.js";import{a as _,b as be,c as O,g as re,l as P}from"./chunk-SF7SS2Q5.js";import{spawn as bt}from"node:child_process";import{createHash as Ee}from"node:crypto";import{mkdir as vt,mkdtemp as Re,readFile as Me,readdir as xt,rename as Pe,rm as ae,writeFile as Se}from"node:fs/promises";import{homedir as kt,tmpdir as _t}from"node:os";import{join as R,relative as $t}from"node:path";import{createRequire as st}from"node:module";import{join as ke}from"node:path";import{pathToFileURL as it}from"node:url";function H(t,e){let r=xe.get(t);if(r)return r;let n=e?.kind==="columns"?new Map(e.columns.map(i=>[i.name,i.type])):null,o=t.rows.length,s=t.columns.map((i,a)=>{let c=n?.get(i);if(c==="string"||c==="boolean"||c==="binary"||c==="datetime")return{name:i,kind:"values",values:t.rows.map(m=>m[a])};let u=new Float64Array(o),l=c==="long"||c==="integer"||c===void 0,d=!1;for(let m=0;m<o;m++){let p=t.rows[m][a];if(typeof p=="number")u[m]=p,l&&!Number.isInteger(p)&&(l=!1);else if(p==null)u[m]=NaN,d=!0,l=!1;else return{name:i,kind:"values",values:t.rows.map(f=>f[a])}}return(c==="double"||c==="float")&&(l=!1),{name:i,kind:"number",values:u,integer:l,float32:c==="float",hasNaN:d}});return xe.set(t,s),s}var xe=new WeakMap;var b=class extends Error{constructor(r,n,o=r===400?"BAD_REQUEST":r===413?"RESOURCE_LIMIT_EXCEEDED":r>=500?"INTERNAL_ERROR":"BAD_REQUEST"){super(n);this.status=r;this.errorCode=o;this.name="HttpError"}status;errorCode;body(){return JSON.stringify({error_code:this.errorCode,message:this.message})}};var E=class extends Error{constructor(r,n){super(n);this.reason=r;this.name="PredictError"}reason};var oe="onnxruntime-node";async function q(){try{let t=oe,e=await import(t).catch(()=>import(it(st(ke(process.cwd(),"package.json")).resolve(t)).href));return e.InferenceSession?e:e.default}catch(t){throw new _("input",`ONNX models need the ${oe} package, which is not installed here (${t.message.split(`
`)[0]})`,{hint:`ONNXRUNTIME_NODE_INSTALL=skip npm install ${oe} (the CPU runtime ships inside the package; "skip" avoids its optional GPU download)`})}}var A=class{constructor(e,r={}){this.model=e;this.options=r}model;options;session=null;ort=null;closing=!1;busy=0;async start(){this.ort=await q();let e=this.options.converted?.file??ke(this.model.dir,this.model.onnxFile??"model.onnx");try{this.session=await this.ort.InferenceSession.create(e,{intraOpNumThreads:this.options.threads??1,interOpNumThreads:1})}catch(o){throw new _("input",`onnxruntime cannot load the model: ${o.message}`,{file:e})}let r=this.ort.env?.versions,n=this.options.converted;return{loader:n?this.model.loader:"onnx",classes:n?.classes??null,runtime:`onnxruntime-node ${r?.node??r?.common??""}`.trim(),path:"onnx"}}isReady(){return!!this.session&&!this.closing}async predict(e){if(!this.session||!this.ort||this.closing)throw new E("unavailable","the ONNX session is not open");let r=this.options.converted?this.convertedFeeds(e,this.options.converted):this.feeds(e);this.busy++;try{let n=this.session.outputNames[0],o=await this.session.run(r,[n]);return lt(o[n])}catch(n){throw n instanceof b||n instanceof E?n:new E("bad_input",`onnxruntime rejected the input: ${n.message}`)}finally{this.busy--}}stats(){return{restarts:0,queued:0,busy:this.busy,workers:this.session?1:0}}async close(){this.closing=!0,await this.session?.release(),this.session=null}convertedFeeds(e,r){let n=this.ort;if(e.kind==="tensor"){let l=e.data;if(!l.every(d=>Array.isArray(d)&&d.length===r.columns.length))throw new b(400,`this model takes rows of ${r.columns.length} values (${r.columns.join(", ")})`);e={kind:"table",columns:r.columns,rows:l}}let o=H(e,this.model.signature),s=new Map(o.map(l=>[l.name,l])),i=e.rows.length,a=l=>{let d=s.get(l);if(!d)throw new b(400,`missing column '${l}' (the model was fitted on: ${r.columns.join(", ")})`);return d},c=l=>{let d=a(l);if(d.kind!=="number"){let m=d.values.findIndex(p=>typeof p!="number"&&p!==null);throw new b(400,`column '${l}' row ${m}: expected a number, got ${JSON.stringify(d.values[m])}`)}if(d.hasNaN&&r.nan==="reject")throw new E("bad_input",`ValueError: Input X contains NaN (column '${l}' row ${d.values.findIndex(Number.isNaN)}); this model does not accept missing values`);return d.values};if(r.layout==="matrix"){let l=r.columns.length,d=r.dtype==="float32"?new Float32Array(i*l):new Float64Array(i*l);return r.columns.forEach((m,p)=>{let f=c(m);for(let y=0;y<i;y++)d[y*l+p]=f[y]}),{input:new n.Tensor(r.dtype??"float64",d,[i,l])}}let u={};for(let l of r.inputs??[])if(l.dtype==="string"){let d=a(l.name),m=d.kind==="number"?Array.from(d.values,String):d.values.map(p=>p==null?"":String(p));u[l.name]=new n.Tensor("string",m,[i,1])}else if(l.dtype==="int64"){let d=c(l.name);u[l.name]=new n.Tensor("int64",BigInt64Array.from(d,m=>BigInt(Math.trunc(m))),[i,1])}else u[l.name]=new n.Tensor("float32",Float32Array.from(c(l.name)),[i,1]);return u}feeds(e){let r=this.session,n=this.ort,o=Array.isArray(r.inputMetadata)?r.inputMetadata:[],s=l=>o.find(d=>d.name===l)?.type??"float32",i=(l,d,m,p)=>{let f=d.findIndex(y=>l==="string"?typeof y!="string":typeof y!="number"&&typeof y!="boolean");if(f>=0)throw new b(400,`${p}: value ${f} (flattened) is ${JSON.stringify(d[f])}; the ONNX input is ${l}`);if(l==="float32")return new n.Tensor("float32",Float32Array.from(d),m);if(l==="float64")return new n.Tensor("float64",Float64Array.from(d),m);if(l==="int64")return new n.Tensor("int64",BigInt64Array.from(d.map(y=>BigInt(Math.trunc(y)))),m);if(l==="int32")return new n.Tensor("int32",Int32Array.from(d),m);if(l==="string")return new n.Tensor("string",d,m);throw new b(400,`the ONNX input type ${l} is not supported by mlci serve`)},a=r.inputNames;if(e.kind==="tensor"){let l=at(e.data);return{[a[0]]:i(s(a[0]),e.data.flat(l.length),l,a[0])}}let c=e.rows.length;if(a.length>1||a.length===1&&e.columns.length===1&&e.columns[0]===a[0]){let l={};for(let d of a){let m=e.columns.indexOf(d);if(m<0)throw new b(400,`missing column '${d}' (the ONNX model's inputs are: ${a.join(", ")})`);l[d]=i(s(d),e.rows.map(p=>p[m]),[c,1],`column '${d}'`)}return l}let u=e.columns.length;return{[a[0]]:i(s(a[0]),e.rows.flat(),[c,u],a[0])}}};function at(t){let e=[t.length];for(let r=t[0];Array.isArray(r);r=r[0])e.push(r.length);return e}function lt(t){let e=Array.from(t.data,o=>typeof o=="bigint"?Number(o):o),r=t.dims.length===2&&t.dims[1]===1?[t.dims[0]]:[...t.dims],n=(o,s)=>{if(s===r.length-1)return e.slice(o,o+r[s]);let i=r.slice(s+1).reduce((a,c)=>a*c,1);return Array.from({length:r[s]},(a,c)=>n(o+c*i,s+1))};return r.length?n(0,0):e}var se=["dataframe_split","dataframe_records","instances","inputs"],_e=["application/json","text/csv"];function G(t,e,r){let[n,...o]=(e??"").split(";").map(i=>i.trim().toLowerCase());for(let i of o){let[a,c]=i.split("=").map(u=>u.trim());if(a!=="charset")throw new b(415,`Unrecognized content type parameters: ${a}`);if(c.replace(/"/g,"")!=="utf-8")throw new b(415,"The scoring server only supports UTF-8")}if(!_e.includes(n))throw new b(415,`This predictor only supports the following content types: ${_e.join(", ")}. Got '${e??""}'.`);let s=ct(t);return n==="text/csv"?pt(s,r):ut(s,r)}function ct(t){try{return new TextDecoder("utf-8",{fatal:!0}).decode(t)}catch{throw new b(400,"Ensure that input is a valid UTF-8 encoded string")}}function ut(t,e){let r;try{r=JSON.parse(t)}catch(i){throw new b(400,`Ensure that input is a valid JSON formatted string. Error: ${i.message}`)}if(!r||typeof r!="object"||Array.isArray(r))throw new b(400,`The input must be a JSON dictionary with exactly one of the input fields {${se.map(i=>`'${i}'`).join(", ")}}. Received ${Array.isArray(r)?"a list":typeof r}.`);let n=Object.keys(r).filter(i=>se.includes(i));if(n.length!==1)throw new b(400,`The input must be a JSON dictionary with exactly one of the input fields {${se.map(i=>`'${i}'`).join(", ")}}. Received dictionary with input fields: [${Object.keys(r).map(i=>`'${i}'`).join(", ")}].`);let o=n[0],s=r[o];switch(o){case"dataframe_split":return dt(s,e);case"dataframe_records":if(!Array.isArray(s)||!s.every(U))throw new b(400,"dataframe_records must be a list of objects, one per row");return $e(s);default:return mt(o,s)}}function dt(t,e){if(!U(t)||!Array.isArray(t.data))throw new b(400,'dataframe_split must be an object with "data" (a list of rows) and usually "columns"');let r=t.data,n=r.findIndex(i=>!Array.isArray(i));if(n>=0)throw new b(400,`dataframe_split.data[${n}] is not a list of values`);let o;if(t.columns===void 0){let i=r.length?r[0].length:0;o=e?.kind==="columns"&&e.columns.length===i?e.columns.map(a=>a.name):Array.from({length:i},(a,c)=>String(c))}else if(Array.isArray(t.columns))o=t.columns.map(String);else throw new b(400,"dataframe_split.columns must be a list of column names");let s=r.findIndex(i=>i.length!==o.length);if(s>=0)throw new b(400,`dataframe_split.data[${s}] has ${r[s].length} values for ${o.length} columns`);return{kind:"table",columns:o,rows:r}}function $e(t){let e=[],r=new Set;for(let n of t)for(let o of Object.keys(n))r.has(o)||(r.add(o),e.push(o));return{kind:"table",columns:e,rows:t.map(n=>e.map(o=>o in n?n[o]:null))}}function mt(t,e){if(Array.isArray(e))return e.length&&e.every(U)?$e(e):{kind:"tensor",data:e};if(U(e)){let r=Object.keys(e),n=r.map(s=>Array.isArray(e[s])?e[s]:[e[s]]),o=n[0]?.length??0;if(n.some(s=>s.length!==o))throw new b(400,`${t}: every column must hold the same number of values`);return{kind:"table",columns:r,rows:Array.from({length:o},(s,i)=>n.map(a=>a[i]))}}throw new b(400,`${t} must be a list (rows or an array) or an object of column -> values`)}function pt(t,e){let r=ht(t);if(r.length===0)throw new b(400,"Failed to parse input as a CSV table: the body is empty (a header row is required)");let[n,...o]=r,s=new Map(e?.kind==="columns"?e.columns.map(a=>[a.name,a.type]):[]),i=o.map((a,c)=>{if(a.length!==n.length)throw new b(400,`CSV row ${c+2} has ${a.length} fields; the header has ${n.length}`);return a.map((u,l)=>ft(u,s.get(n[l])))});return{kind:"table",columns:n,rows:i}}function ft(t,e){if(e==="string"||e==="binary"||e==="datetime")return t;if(t==="")return null;if(e==="boolean")return t==="True"||t==="true"?!0:t==="False"||t==="false"?!1:t;let r=Number(t);return e?Number.isNaN(r)&&!/^nan$/i.test(t)?t:r:t.trim()!==""&&!Number.isNaN(r)?r:t}function ht(t){let e=[],r=[],n="",o=!1;for(let s=0;s<t.length;s++){let i=t[s];o?i==='"'&&t[s+1]==='"'?(n+='"',s++):i==='"'?o=!1:n+=i:i==='"'?o=!0:i===","?(r.push(n),n=""):i===`
`||i==="\r"?(i==="\r"&&t[s+1]===`
`&&s++,r.push(n),e.push(r),r=[],n=""):n+=i}if(o)throw new b(400,"Failed to parse input as a CSV table: a quoted field is not closed");return(n!==""||r.length)&&(r.push(n),e.push(r)),e.filter(s=>!(s.length===1&&s[0]===""))}var U=t=>!!t&&typeof t=="object"&&!Array.isArray(t);function Ne(t,e){if(t==null)return null;let r;try{r=typeof t=="string"?JSON.parse(t):t}catch(n){throw O(`signature.inputs is not valid JSON: ${n.message}`,{file:e})}if(!Array.isArray(r)||r.length===0)throw O("signature.inputs must be a non-empty list",{file:e});return r.every(n=>n?.type==="tensor")?{kind:"tensors",tensors:r.map(n=>({...n.name?{name:String(n.name)}:{},dtype:String(n["tensor-spec"]?.dtype??"float64"),shape:(n["tensor-spec"]?.shape??[-1]).map(Number)}))}:{kind:"columns",columns:r.map((n,o)=>{if(typeof n?.type!="string")throw O(`signature.inputs[${o}] has no type`,{file:e});return{name:typeof n.name=="string"?n.name:String(o),type:n.type,required:n.required!==!1}})}}var gt=new Set(["double","float","long","integer"]);function Y(t,e){if(!e)return t;if(e.kind==="tensors")return t.kind==="table"||wt(t.data,e.tensors[0]),t;let r=e.columns;if(t.kind==="tensor"){let a=t.data;if(!a.every(Array.isArray))throw T(`this model takes named columns (${ie(r)}); send dataframe_split, dataframe_records or a list of objects`);let c=a.findIndex(u=>u.length!==r.length);if(c>=0)throw T(`row ${c} has ${a[c].length} values; the model's signature has ${r.length} columns (${ie(r)})`);t={kind:"table",columns:r.map(u=>u.name),rows:a}}let n=new Map(t.columns.map((a,c)=>[a,c])),o=r.filter(a=>n.has(a.name)),s=r.filter(a=>a.required&&!n.has(a.name));if(s.length)throw T(`missing column${s.length>1?"s":""} ${s.map(a=>`'${a.name}'`).join(", ")} (the model's signature requires: ${ie(r.filter(a=>a.required))})`);let i=t.rows.map((a,c)=>o.map(u=>{let l=a[n.get(u.name)];return yt(l,u,c),l}));return{kind:"table",columns:o.map(a=>a.name),rows:i}}function yt(t,e,r){let n=`column '${e.name}' row ${r}`;if(t==null){if(e.type==="double"||e.type==="float"||!e.required)return;throw T(`${n}: missing value; the signature says ${e.type} and required`)}let o=Oe(t);if(gt.has(e.type)){if(typeof t!="number")throw T(`${n}: expected ${e.type}, got ${o}`);if((e.type==="long"||e.type==="integer")&&!Number.isInteger(t))throw T(`${n}: expected ${e.type} (a whole number), got ${o}`);return}if(e.type==="boolean"&&typeof t!="boolean")throw T(`${n}: expected boolean, got ${o}`);if((e.type==="string"||e.type==="binary")&&typeof t!="string")throw T(`${n}: expected ${e.type}, got ${o}`);if(e.type==="datetime"&&(typeof t!="string"||Number.isNaN(Date.parse(t))))throw T(`${n}: expected a datetime (ISO 8601 text), got ${o}`)}function wt(t,e){if(!e)return;let r=[t.length];for(let n=t[0];Array.isArray(n);n=n[0])r.push(n.length);if(r.length!==e.shape.length)throw T(`input has shape [${r.join(", ")}]; the model's signature expects ${e.shape.length} dimensions [${e.shape.join(", ")}]`);if(e.shape.forEach((n,o)=>{if(n>=0&&r[o]!==n)throw T(`input dimension ${o} is ${r[o]}; the model's signature expects ${n} (shape [${e.shape.join(", ")}])`)}),/^(float|int|uint)/.test(e.dtype)){let n=t.flat(e.shape.length),o=n.findIndex(s=>typeof s!="number");if(o>=0)throw T(`input element ${o} (flattened) is ${Oe(n[o])}; the model's signature expects ${e.dtype}`)}}var ie=t=>t.map(e=>e.name).join(", ");function Oe(t){return typeof t=="string"?`string ${JSON.stringify(t.length>40?t.slice(0,40)+"\u2026":t)}`:typeof t=="number"?`${Number.isInteger(t)?"integer":"number"} ${t}`:Array.isArray(t)?"a list":t&&typeof t=="object"?"an object":`${typeof t} ${String(t)}`}var T=t=>new b(400,t);var V=`"""mlci serve's Python worker: loads one model, then answers prediction requests in binary frames.

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
`;var Nt="mlci-skl2onnx-1",Ot=64,Et=()=>process.env.MLCI_ONNX_CACHE??R(process.env.XDG_CACHE_HOME??R(kt(),".cache"),"mlci","onnx");async function Rt(t){let e=Ee("sha256").update(Nt),r=async n=>{let o=[];for(let s of await xt(n,{withFileTypes:!0})){if(s.name==="__pycache__"||s.name===".git")continue;let i=R(n,s.name);s.isDirectory()?o.push(...await r(i)):s.isFile()&&o.push(i)}return o};for(let n of(await r(t)).sort())e.update($t(t,n)).update("\0"),e.update(Ee("sha256").update(await Me(n)).digest()).update("\0");return e.digest("hex").slice(0,32)}async function X(t,e={}){let r=e.logger??P,n=await Rt(t.dir),o=e.cacheDir??Et(),s=R(o,n),i=await Ie(s);if(i)return i.ok?{ok:!0,converted:{...i.converted,file:R(s,"model.onnx")},key:n,cached:!0,parity:i.parity,dir:s}:{ok:!1,reason:i.reason,key:n,cached:!0};let a=Pt(t);if(typeof a=="string")return{ok:!1,reason:a,key:n,cached:!1};let c=await Mt(o,r),u=!1;try{let l=await It(t,a,c,e);if(l.fatal)return{ok:!1,reason:`the converter could not run: ${l.fatal}`,key:n,cached:!1};let d=l.candidates??[],m=[...l.errors??[]];for(let y of d){let h=y.layout==="matrix"?`matrix ${y.dtype}`:"per-column inputs",g={file:R(c,y.file),layout:y.layout,...y.dtype?{dtype:y.dtype}:{},...y.inputs?{inputs:y.inputs}:{},columns:a.batch.columns,classes:l.classes??null,nan:l.nan??"reject"},w=await At(t,g,a.batch,l.expected??[],y.dtype==="float32"?1e-4:1e-6);if(typeof w=="string"){m.push(`${h}: ${w}`);continue}let $={...w,candidate:h};await Pe(g.file,R(c,"model.onnx"));let{file:x,...S}=g;await Se(R(c,"meta.json"),JSON.stringify({ok:!0,converted:S,parity:$,skl2onnx:l.skl2onnx}));for(let N of d)await ae(R(c,N.file),{force:!0});let k=await Te(c,s,r);return u=k===c,{ok:!0,converted:{...g,file:R(k,"model.onnx")},key:n,cached:!1,parity:$,dir:k}}let p=d.length?`no ONNX conversion matched scikit-learn's predictions (${m.join("; ")})`:`skl2onnx could not convert the model (${St(m)||"no candidate"})`;for(let y of d)await ae(R(c,y.file),{force:!0});return await Se(R(c,"meta.json"),JSON.stringify({ok:!1,reason:p,skl2onnx:l.skl2onnx})),u=await Te(c,s,r)===c,{ok:!1,reason:p,key:n,cached:!1}}finally{u||await ae(c,{recursive:!0,force:!0})}}function St(t){let e=new Set(t.map(r=>r.slice(r.indexOf(": ")+2)));return e.size===1?[...e][0]:t.join("; ")}async function Ie(t){try{return JSON.parse(await Me(R(t,"meta.json"),"utf8"))}catch{return null}}var Tt=async t=>(await vt(t,{recursive:!0}),t);async function Mt(t,e){try{return await Re(R(await Tt(t),".convert-"))}catch(r){return e.warn(`cannot write the ONNX cache ${t} (${r.message}); converting in a temporary directory`),Re(R(_t(),"mlci-convert-"))}}async function Te(t,e,r){try{return await Pe(t,e),e}catch(n){let o=n.code;return(o==="ENOTEMPTY"||o==="EEXIST")&&await Ie(e)?e:(r.warn(`cannot cache the ONNX conversion in ${e} (${n.message}); it is used from ${t} for this run`),t)}}function Pt(t){let e=t.signature;if(e?.kind==="tensors")return"the model has a tensor signature (only column signatures are converted)";let r=null;if(t.inputExample)try{let p=Y(G(Buffer.from(JSON.stringify(t.inputExample)),"application/json",e),e);p.kind==="table"&&p.rows.length&&(r=p)}catch{r=null}let n=e?.kind==="columns"?e.columns:null,o=new Set(["double","float","long","integer"]);if(!r){if(!n)return"no input example and no signature to check the conversion on";if(!n.every(p=>o.has(p.type)))return"no input example, and the signature has non-numeric columns to generate";r={kind:"table",columns:n.map(p=>p.name),rows:[n.map(()=>0)]}}let s=r.columns,i=p=>n?.find(f=>f.name===p)?.type,a=s.filter((p,f)=>{let y=i(p);return y?y==="long"||y==="integer":r.rows.every(h=>Number.isInteger(h[f]))}),c=s.map((p,f)=>i(p)?o.has(i(p)):r.rows.every(y=>typeof y[f]=="number")),u=2654435769,l=()=>(u=Math.imul(u^u>>>15,739982445)+1831565813|0,(u>>>0)%1e6/1e6),d=()=>Math.sqrt(-2*Math.log(1-l()))*Math.cos(2*Math.PI*l()),m=[...r.rows];for(let p=0;p<Ot;p++){let f=r.rows[p%r.rows.length];m.push(f.map((y,h)=>{if(!c[h]||typeof y!="number")return y;let g=y+d()*Math.max(Math.abs(y)*.25,.5);return a.includes(s[h])?Math.round(g):g}))}return{batch:{kind:"table",columns:s,rows:m},integerColumns:a}}function It(t,e,r,n){let o=n.python??process.env.MLCI_PYTHON??"python3",s=n.logger??P;return new Promise(i=>{let a=bt(o,["-c",V,t.dir,"sklearn","--convert",r],{stdio:["pipe","pipe","pipe"],env:{...process.env,PYTHONUNBUFFERED:"1",OMP_NUM_THREADS:"1",OPENBLAS_NUM_THREADS:"1"}}),c="",u="",l=setTimeout(()=>a.kill("SIGKILL"),n.timeoutMs??12e4);a.stdout.on("data",d=>c+=d),a.stderr.on("data",d=>u+=d),a.stdin.on("error",()=>{}),a.once("error",d=>{clearTimeout(l),i({fatal:`cannot start ${o}: ${d.message}`})}),a.once("close",(d,m)=>{clearTimeout(l);let p=c.trim().split(`
`).pop()??"";try{let f=JSON.parse(p);f.fatal&&s.debug(`[onnx convert] ${u.trim().split(`
`).slice(-5).join(" | ")}`),i(f)}catch{i({fatal:`the converter exited ${d??m}: ${u.trim().split(`
`).slice(-3).join(" | ")||"no output"}`})}}),a.stdin.end(JSON.stringify({columns:e.batch.columns,rows:e.batch.rows,integer_columns:e.integerColumns}))})}async function At(t,e,r,n,o){let s=new A(t,{converted:e});try{await s.start();let i=await s.predict(r);if(i.length!==n.length)return`${i.length} predictions for ${n.length} rows`;let a=0;for(let c=0;c<i.length;c++){let[u,l]=[i[c],n[c]];if(typeof u=="number"&&typeof l=="number"){let d=Math.abs(u-l);if(a=Math.max(a,d),!(d<=o*Math.max(1,Math.abs(l))))return`row ${c}: onnx ${u}, sklearn ${l}`}else if(JSON.stringify(u)!==JSON.stringify(l))return`row ${c}: onnx ${JSON.stringify(u)}, sklearn ${JSON.stringify(l)}`}return{rows:i.length,maxAbsDiff:a}}catch(i){return`onnxruntime: ${i.message.split(`
`)[0]}`}finally{await s.close()}}import{readFile as Ct,readdir as Lt,stat as Bt}from"node:fs/promises";import{basename as Dt,dirname as jt,join as J,resolve as qt}from"node:path";var W="a model directory is one of: an MLflow model directory (MLmodel + model.pkl/model.skops), a directory with predict.py defining predict(records), or a directory holding one .onnx file (a path to the .onnx file works too)",Jt=new Set(["sklearn","pyfunc","predict.py","onnx"]);async function F(t,e={}){let r=qt(t),n=await Bt(r).catch(()=>null);if(!n)throw O("no such model directory",{file:t,hint:W});if(e.loader&&!Jt.has(e.loader))throw O(`unknown loader "${e.loader}"`,{hint:"use one of sklearn, pyfunc, predict.py, onnx"});let o=n.isDirectory()?r:jt(r);if(!n.isDirectory()&&!r.endsWith(".onnx"))throw O("is a file, expected a model directory or an .onnx file",{file:t,hint:W});let s=await Lt(o).catch(h=>{throw re(t,h)}),i=h=>s.includes(h),a=i("MLmodel")?await Ft(J(o,"MLmodel")):null,c=a?Object.keys(a.flavors??{}):[],u=s.filter(h=>h.endsWith(".onnx")),l=a?.flavors?.onnx,d=n.isDirectory()?typeof l?.data=="string"?l.data:u.length===1?u[0]:void 0:Dt(r),m=[];i("predict.py")&&m.push("predict.py"),(!n.isDirectory()||l)&&m.push("onnx"),c.includes("sklearn")&&m.push("sklearn"),c.includes("python_function")&&m.push("pyfunc"),!a&&d&&m.push("onnx");let p=e.loader?e.loader:m[0];if(!p)throw O(`cannot tell how to serve this model${u.length>1?` (${u.length} .onnx files; name one)`:""}`,{file:t,hint:W});if(e.loader&&!m.includes(p)&&!(p==="onnx"&&d))throw O(`the ${p} loader does not fit this directory (it fits: ${m.join(", ")||"none"})`,{file:t,hint:W});let f=a?.signature?.inputs,y=Ne(f,J(o,"MLmodel"));return{dir:o,loader:p,runtime:p==="onnx"?"onnx":"python",...p==="onnx"?{onnxFile:d}:{},flavors:c,signature:y,inputExample:await Ht(o,s),requirements:i("requirements.txt")?Ut(await le(J(o,"requirements.txt"))):[],...typeof a?.mlflow_version=="string"?{mlflowVersion:a.mlflow_version}:{}}}var le=t=>Ct(t,"utf8").catch(e=>{throw re(t,e)});async function Ft(t){let e=await le(t);try{let r=ve(e,t);if(!r||typeof r!="object")throw new Error("not a YAML mapping");return r}catch(r){throw O(`MLmodel is not valid YAML: ${r.message}`,{file:t,hint:"MLflow writes this file; re-save the model with mlflow.<flavor>.save_model"})}}var Ae=["dataframe_split","dataframe_records","instances","inputs"];async function Ht(t,e){let r=async n=>e.includes(n)?JSON.parse(await le(J(t,n))):void 0;try{let n=await r("serving_input_example.json");if(n&&typeof n=="object"&&Ae.some(s=>s in n))return n;let o=await r("input_example.json");return o===void 0?null:o&&typeof o=="object"&&!Array.isArray(o)?Ae.some(s=>s in o)?o:Array.isArray(o.data)?{dataframe_split:o}:{dataframe_records:[o]}:Array.isArray(o)?o.every(s=>s&&typeof s=="object"&&!Array.isArray(s))?{dataframe_records:o}:{inputs:o}:null}catch(n){throw n instanceof _?n:O(`the input example is not valid JSON: ${n.message}`,{file:J(t,"input_example.json")})}}function Ut(t){return t.split(`
`).map(e=>e.replace(/#.*/,"").trim()).filter(Boolean)}import{spawn as Gt}from"node:child_process";import{createInterface as Yt}from"node:readline";var Vt=1,Xt=2,Le=1,Wt=2,zt=3,Kt=4,ce=class{constructor(e){this.onFrame=e}onFrame;chunks=[];size=0;push(e){for(this.chunks.push(e),this.size+=e.length;this.size>=4;){let r=this.chunks[0];r.length<4&&(r=this.flatten());let n=r.readUInt32LE(0);if(this.size<4+n)return;let o=this.chunks.length===1?r:this.flatten(),s=o.subarray(4,4+n),i=o.subarray(4+n);this.chunks=i.length?[i]:[],this.size=i.length,this.onFrame(s[0],s.readUInt32LE(1),s.subarray(5))}}flatten(){let e=Buffer.concat(this.chunks,this.size);return this.chunks=[e],e}};function Qt(t,e,r){if(e.kind==="tensor"){let u=Buffer.from(JSON.stringify({tensor:e.data}));return Ce(Xt,t,u)}let n=H(e,r),o=e.rows.length,s=n.map(u=>{let l=Buffer.from(u.name);if(u.kind==="number"){let p=u.integer?3:u.float32?4:1;return{name:l,type:p,data:Buffer.from(u.values.buffer,u.values.byteOffset,u.values.byteLength)}}let d=Buffer.from(JSON.stringify(u.values)),m=Buffer.allocUnsafe(4+d.length);return m.writeUInt32LE(d.length,0),d.copy(m,4),{name:l,type:2,data:m}}),i=6+s.reduce((u,l)=>u+2+l.name.length+1+l.data.length,0),a=Buffer.allocUnsafe(i);a.writeUInt32LE(o,0),a.writeUInt16LE(s.length,4);let c=6;for(let u of s)a.writeUInt16LE(u.name.length,c),c+=2+u.name.copy(a,c+2),a[c++]=u.type,c+=u.data.copy(a,c);return Ce(Vt,t,a)}function Ce(t,e,r){let n=Buffer.allocUnsafe(9);return n.writeUInt32LE(r.length+5,0),n[4]=t,n.writeUInt32LE(e>>>0,5),Buffer.concat([n,r])}function Zt(t,e){if(t===Le){let r=new Float64Array(e.buffer.slice(e.byteOffset,e.byteOffset+e.length));return Array.from(r,n=>Number.isFinite(n)?n:null)}return JSON.parse(e.toString("utf8"))}var ue=class{constructor(e,r,n,o,s,i){this.index=o;this.logger=s;this.child=Gt(r,["-u","-c",V,e.dir,e.loader],{stdio:["pipe","pipe","pipe"],env:n}),this.exited=new Promise(c=>this.child.once("exit",u=>c(u)));let a=[];Yt({input:this.child.stderr}).on("line",c=>{a.push(c),a.length>20&&a.shift(),s?.info(`[python ${this.child.pid}] ${c}`)}),this.child.stdin.on("error",()=>{}),this.info=new Promise((c,u)=>{this.child.once("error",d=>u(new _("input",`cannot start ${r}: ${d.message}`,{hint:"install Python 3 or point --python / MLCI_PYTHON at it"}))),this.exited.then(d=>u(new _("input",`the Python worker exited (code ${d}) before the model loaded${a.length?`:
  ${a.slice(-8).join(`
  `)}`:""}`)));let l=new ce((d,m,p)=>{if(d!==Kt)return i(this,d,m,p);let f;try{f=JSON.parse(p.toString("utf8"))}catch{return s?.warn(`[python ${this.child.pid}] unreadable hello frame`)}f.ready?(this.ready=!0,c({loader:e.loader,classes:f.classes??null,runtime:`python ${f.python}`,path:"python",pid:this.child.pid,cpu:typeof f.cpu=="number"?f.cpu:null})):typeof f.fatal=="string"&&u(new _("input",`the model could not be loaded: ${f.fatal}`,{file:e.dir,hint:"the Python worker log above has the traceback; check the model's requirements are installed"}))});this.child.stdout.on("data",d=>l.push(d))})}index;logger;child;current=null;ready=!1;info;exited;send(e,r){this.current=e,this.child.stdin.write(r)}kill(e="SIGKILL"){this.child.exitCode===null&&this.child.signalCode===null&&this.child.kill(e)}},z=class{constructor(e,r={}){this.model=e;this.options=r;this.python=r.python??process.env.MLCI_PYTHON??"python3",this.size=Math.min(32,Math.max(1,Math.floor(r.workers??1)));let n=Object.fromEntries(["OMP_NUM_THREADS","OPENBLAS_NUM_THREADS","MKL_NUM_THREADS"].filter(o=>!process.env[o]).map(o=>[o,"1"]));this.env={...process.env,PYTHONUNBUFFERED:"1",...n,...r.env}}model;options;workers=[];queue=[];nextId=1;restarts=0;closing=!1;info=null;python;size;env;windowTimer=null;async start(){let e=Array.from({length:this.size},(o,s)=>this.spawnWorker(s)),r=this.options.startTimeoutMs??12e4,n;try{let o=await Promise.race([Promise.all(e.map(c=>c.info)),new Promise((c,u)=>n=setTimeout(()=>u(new _("input",`the model did not load within ${r} ms`,{hint:"raise --start-timeout for large models"})),r))]),{pid:s,cpu:i,...a}=o[0];return this.info={...a,cpus:o.map(c=>c.cpu)},this.dispatch(),this.info}catch(o){this.closing=!0;for(let s of this.workers)s.kill();throw o}finally{clearTimeout(n)}}isReady(){return!this.closing&&this.workers.some(e=>e.ready)}predict(e){return this.closing?Promise.reject(new E("unavailable","the server is shutting down")):this.queue.length>=(this.options.maxQueue??64)?Promise.reject(new E("busy",`all ${this.size} workers are busy and ${this.queue.length} requests are waiting; retry later`)):new Promise((r,n)=>{let o=e.kind==="table"?e.rows.length:e.data.length;this.queue.push({batch:e,rows:o,resolve:r,reject:n}),this.schedule()})}stats(){return{restarts:this.restarts,queued:this.queue.length,busy:this.workers.filter(e=>e.current).length,workers:this.workers.filter(e=>e.ready).length}}async close(){this.closing=!0,this.windowTimer&&clearTimeout(this.windowTimer);for(let e of this.queue.splice(0))L(e,new E("unavailable","the server is shutting down"));await Promise.all(this.workers.map(async e=>{e.child.stdin.end();let r=setTimeout(()=>e.kill("SIGKILL"),3e3);await e.exited,clearTimeout(r)}))}spawnWorker(e){let n=this.size>1&&this.options.pin!==!1?{...this.env,MLCI_WORKER_INDEX:String(e)}:this.env,o=new ue(this.model,this.python,n,e,this.options.logger,(s,i,a,c)=>this.onResult(s,i,a,c));return this.workers.push(o),o.info.then(()=>this.dispatch(),()=>{}),o.exited.then(s=>this.onExit(o,s)),o}onResult(e,r,n,o){let s=e.current;if(!s||n!==s.id)return;clearTimeout(s.timer),e.current=null;let{jobs:i}=s;if(r===zt)if(i.length>1)this.retryAlone(i);else{let a=JSON.parse(o.toString("utf8"));L(i[0],new E(a.bad_input?"bad_input":"model",String(a.error??"the model failed")))}else{let a=r===Le||r===Wt?Zt(r,o):[];if(i.length===1)L(i[0],a);else if(a.length!==i.reduce((c,u)=>c+u.rows,0))this.retryAlone(i);else{let c=0;for(let u of i)L(u,a.slice(c,c+u.rows)),c+=u.rows}}this.dispatch()}retryAlone(e){for(let r of e)r.solo=!0;this.queue.unshift(...e)}onExit(e,r){this.workers.splice(this.workers.indexOf(e),1);let n=e.current;if(n){clearTimeout(n.timer);for(let s of n.jobs)L(s,new E("crash",`the Python worker died (exit ${r??e.child.signalCode}) during this request; it is being restarted`))}if(this.closing||!this.info)return;this.restarts++,this.options.logger?.warn(`Python worker ${e.child.pid} exited (${r??e.child.signalCode}); restarting it`);let o=Math.min(5e3,100*2**Math.min(6,this.restarts-1));setTimeout(()=>{this.closing||this.spawnWorker(e.index).info.catch(s=>this.options.logger?.error(`Python worker failed to restart: ${s.message}`))},e.ready?0:o).unref()}schedule(){let e=Math.min(50,Math.max(0,this.options.batchWindowMs??0));if(e===0)return this.dispatch();this.windowTimer||(this.windowTimer=setTimeout(()=>{this.windowTimer=null,this.dispatch()},e))}dispatch(){let e=Math.max(1,Math.floor(this.options.maxBatchRows??1024));for(;this.queue.length;){let r=this.workers.find(u=>u.ready&&!u.current&&u.child.exitCode===null);if(!r)return;let n=this.queue.shift(),o=[n],s=n.rows;if(!n.solo&&n.batch.kind==="table"){let u=n.batch.columns.join("\0");for(let l=0;l<this.queue.length&&s<e;){let d=this.queue[l];!d.solo&&d.batch.kind==="table"&&s+d.rows<=e&&d.batch.columns.join("\0")===u?(o.push(d),s+=d.rows,this.queue.splice(l,1)):l++}}let i=o.length===1?n.batch:{kind:"table",columns:n.batch.columns,rows:o.flatMap(u=>u.batch.rows)},a={id:this.nextId++,jobs:o},c=this.options.workerTimeoutMs??3e4;a.timer=setTimeout(()=>{for(let u of o)L(u,new E("timeout",`the model took longer than ${c} ms; its worker was restarted`));r.kill()},c),r.send(a,Qt(a.id,i,this.model.signature))}}};function L(t,e){t.settled||(t.settled=!0,e instanceof E?t.reject(e):t.resolve(e))}import{stat as en}from"node:fs/promises";import{resolve as tn}from"node:path";async function K(t,e=[]){if(!t)throw O("no model given",{hint:"pass a model directory, NAME@ALIAS or a run id"});if(await en(t).then(()=>!0,()=>!1))return{dir:tn(t),ref:t,source:"path"};for(let r of e){let n=await r(t);if(n)return n}throw O(`no model directory at "${t}"${e.length?", and no registry version or run by that name":""}`,{hint:"pass a model directory (MLflow model, predict.py, or .onnx), NAME@ALIAS / NAME@vX.Y.Z from the registry, or a run id"})}import{createServer as nn}from"node:http";var rn=1e3,Be=JSON.stringify({error_code:"TEMPORARILY_UNAVAILABLE",message:"the model is loading"});async function Q(t={}){let e=t.host??"127.0.0.1",r=t.port??8080,n=t.requestTimeoutMs??3e4,o=nn({requestTimeout:n,headersTimeout:Math.min(t.headersTimeoutMs??1e4,n),keepAliveTimeout:t.keepAliveTimeoutMs??5e3,connectionsCheckingInterval:Math.min(rn,n)});o.setTimeout(t.idleTimeoutMs??6e4),o.on("request",(i,a)=>{a.writeHead(503,{"content-type":"application/json","content-length":Buffer.byteLength(Be),"retry-after":"5"}),a.end(Be)}),await new Promise((i,a)=>{o.once("error",c=>a(on(c,e,r))),o.listen(r,e,()=>i())}),o.removeAllListeners("error");let s=o.address().port;return{server:o,host:e,port:s,url:`http://${e.includes(":")?`[${e}]`:e}:${s}`}}function on(t,e,r){let n=t?.code,o=`${e.includes(":")?`[${e}]`:e}:${r}`,s="choose another port with --port N (--port 0 picks a free one)";switch(n){case"EADDRINUSE":return new _("usage",`cannot listen on ${o}: the port is already in use`,{hint:`stop what listens there, or ${s}`,cause:t});case"EACCES":case"EPERM":return new _("usage",`cannot listen on ${o}: permission denied`,{hint:`ports below 1024 need privileges; ${s}`,cause:t});case"EADDRNOTAVAIL":return new _("usage",`cannot listen on ${o}: ${e} is not an address of this machine`,{hint:"use --host 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces, e.g. inside a container)",cause:t});case"ENOTFOUND":case"EAI_AGAIN":case"EAI_NONAME":return new _("usage",`cannot listen on ${o}: the host name ${e} does not resolve`,{hint:"give --host as an IP address, e.g. 127.0.0.1 or 0.0.0.0",cause:t});case"EMFILE":case"ENFILE":return new _("usage",`cannot listen on ${o}: too many open files`,{hint:"raise the limit (`ulimit -n 4096`), then retry",cause:t});default:return t}}var sn=[5e-4,.001,.0025,.005,.01,.025,.05,.1,.25,.5,1,2.5,5,10],an=[-1e6,-1e4,-1e3,-100,-10,-1,-.1,0,.1,1,10,100,1e3,1e4,1e6],De=100,ee=class{constructor(e){this.buckets=e;this.counts=new Array(e.length).fill(0)}buckets;counts;sum=0;count=0;observe(e){this.sum+=e,this.count++;let r=this.buckets.findIndex(n=>e<=n);r>=0&&this.counts[r]++}render(e,r){let n=[],o=0;return this.buckets.forEach((s,i)=>{o+=this.counts[i],n.push(`${e}_bucket{${r}${r?",":""}le="${s}"} ${o}`)}),n.push(`${e}_bucket{${r}${r?",":""}le="+Inf"} ${this.count}`),n.push(`${e}_sum${r?`{${r}}`:""} ${this.sum}`,`${e}_count${r?`{${r}}`:""} ${this.count}`),n}},Z=t=>t.replace(/\\/g,"\\\\").replace(/"/g,'\\"').replace(/\n/g,"\\n"),te=class{constructor(e,r="python"){this.classifier=e;this.path=r}classifier;path;requests=new Map;latency=new Map;errors=new Map;classes=new Map;values=new ee(an);rows=0;request(e,r,n){let o=`route="${e}",status="${r}"`;this.requests.set(o,(this.requests.get(o)??0)+1);let s=this.latency.get(e);s||this.latency.set(e,s=new ee(sn)),s.observe(n)}error(e){this.errors.set(e,(this.errors.get(e)??0)+1)}predictions(e){this.rows+=e.length;let r=this.classifier();for(let n of e)if(!r&&typeof n=="number")this.values.observe(n);else if(typeof n=="string"||typeof n=="number"||typeof n=="boolean"){let o=String(n),s=this.classes.has(o)||this.classes.size<De?o:"__other__";this.classes.set(s,(this.classes.get(s)??0)+1)}}render(e){let r=[],n=(o,s,i)=>r.push(`# HELP ${o} ${i}`,`# TYPE ${o} ${s}`);n("mlci_http_requests_total","counter","HTTP requests by route and status code.");for(let[o,s]of this.requests)r.push(`mlci_http_requests_total{${o}} ${s}`);n("mlci_http_request_duration_seconds","histogram","HTTP request latency by route, from the first byte read to the last byte written.");for(let[o,s]of this.latency)r.push(...s.render("mlci_http_request_duration_seconds",`route="${Z(o)}"`));n("mlci_prediction_errors_total","counter","Failed /invocations by reason.");for(let[o,s]of this.errors)r.push(`mlci_prediction_errors_total{reason="${Z(o)}"} ${s}`);n("mlci_predicted_rows_total","counter","Rows predicted, by serving path (onnx: in-process onnxruntime-node; python: worker)."),r.push(`mlci_predicted_rows_total{path="${Z(this.path)}"} ${this.rows}`),n("mlci_predictions_by_class_total","counter",`Predictions per class label (classifiers; at most ${De} labels, then __other__).`);for(let[o,s]of this.classes)r.push(`mlci_predictions_by_class_total{class="${Z(o)}"} ${s}`);n("mlci_prediction_value","histogram","Distribution of numeric predictions (regressors)."),r.push(...this.values.render("mlci_prediction_value",""));for(let[o,s]of Object.entries(e))n(o.split("{")[0],"gauge",s.help),r.push(`${o} ${s.value}`);return r.join(`
`)+`
`}};var ln="0.1.0",cn="application/json";async function je(t){let{model:e,predictor:r,info:n}=t,o=t.logger??P,s=t.maxBodyBytes??10*1024*1024,i=()=>n.classes!==null,a=new te(i,n.path),c=0,u=!1,l=(h,g,w,$=cn)=>{h.headersSent||(h.writeHead(g,{"content-type":$,"content-length":Buffer.byteLength(w),...u?{connection:"close"}:{}}),h.end(w))},d={"GET /ping":(h,g)=>r.isReady()&&!u?l(g,200,`
`):l(g,503,new b(503,"the model is not ready").body()),"GET /health":(h,g)=>{let w=r.isReady()&&!u,$=r.stats();l(g,w?200:503,JSON.stringify({status:w?"ok":"unavailable",path:n.path,loader:n.loader,runtime:n.runtime,workers:$.workers,...n.cpus?{cpus:n.cpus}:{},...n.fallback?{fallback:n.fallback}:{}}))},"GET /version":(h,g)=>l(g,200,JSON.stringify({server:"mlci",version:ln,loader:n.loader,runtime:n.runtime,path:n.path,...e.mlflowVersion?{mlflow_version:e.mlflowVersion}:{},...t.versionInfo})),"GET /metrics":(h,g)=>{let w=r.stats(),$=a.render({mlci_model_ready:{help:"1 while /ping answers 200.",value:r.isReady()?1:0},[`mlci_serving_path{path="${n.path}"}`]:{help:"The path that serves predictions (1): onnx in-process, or python workers.",value:1},mlci_worker_restarts_total:{help:"Python workers restarted after a crash or timeout (a counter, reported as a gauge of the running total).",value:w.restarts},mlci_queue_depth:{help:"Requests waiting for a free worker.",value:w.queued},mlci_workers_busy:{help:"Workers running a prediction.",value:w.busy},mlci_workers_ready:{help:"Workers with the model loaded.",value:w.workers},mlci_in_flight_requests:{help:"HTTP requests being handled.",value:c},process_resident_memory_bytes:{help:"Resident memory of the server process (not its workers).",value:process.memoryUsage.rss()}});l(g,200,$,"text/plain; version=0.0.4; charset=utf-8")},"POST /invocations":async(h,g)=>{let w=await dn(h,s),$;try{$=Y(G(w,h.headers["content-type"],e.signature),e.signature)}catch(k){throw k instanceof b&&a.error("validation"),k}if(($.kind==="table"?$.rows.length:$.data.length)===0)return l(g,200,JSON.stringify({predictions:[]}));let S;try{S=await r.predict($)}catch(k){throw k instanceof E?(a.error(k.reason),new b(un[k.reason],k.message,k.reason==="bad_input"?"BAD_REQUEST":k.reason==="timeout"||k.reason==="busy"||k.reason==="crash"||k.reason==="unavailable"?"TEMPORARILY_UNAVAILABLE":"INTERNAL_ERROR")):k}a.predictions(S),l(g,200,JSON.stringify({predictions:S}))}},m=t.bound??await Q(t),{server:p,host:f}=m;p.removeAllListeners("request"),p.on("request",(h,g)=>{let w=process.hrtime.bigint(),$=(h.url??"/").split("?")[0],x=`${h.method} ${$}`,S=d[x]?$:"other";c++,g.once("close",()=>{c--;let N=Number(process.hrtime.bigint()-w)/1e9;a.request(S,g.statusCode,N),g.statusCode>=400&&o.info(`${h.method} ${$} ${g.statusCode} ${(N*1e3).toFixed(1)} ms`)});let k=d[x];if(!k){let N=Object.keys(d).find(ot=>ot.endsWith(` ${$}`));return l(g,N?405:404,new b(N?405:404,N?`${$} takes ${N.split(" ")[0]}`:`no route ${$}; the server answers POST /invocations, GET /ping, /health, /version, /metrics`,N?"BAD_REQUEST":"ENDPOINT_NOT_FOUND").body())}Promise.resolve().then(()=>k(h,g)).catch(N=>{if(N instanceof b)return N.status===413&&g.setHeader("connection","close"),l(g,N.status,N.body());o.error(`internal error on ${x}: ${N?.stack??N}`),l(g,500,new b(500,`internal error in mlci serve: ${N?.message??N}`).body())})});let y=null;return{url:m.url,host:f,port:m.port,metrics:a,close(){return y??=(async()=>{u=!0;let h=new Promise(w=>p.close(()=>w()));p.closeIdleConnections();let g=setTimeout(()=>p.closeAllConnections(),t.shutdownGraceMs??1e4);await h,clearTimeout(g),await r.close()})(),y}}}var un={bad_input:400,model:500,timeout:504,crash:503,busy:503,unavailable:503};function dn(t,e){let r=Number(t.headers["content-length"]);return Number.isFinite(r)&&r>e?(t.resume(),Promise.reject(new b(413,`the request body is ${r} bytes; the limit is ${e} (--max-body)`))):new Promise((n,o)=>{let s=[],i=0;t.on("data",a=>{i+=a.length,i>e?(t.removeAllListeners("data"),t.resume(),o(new b(413,`the request body passed ${e} bytes (--max-body)`))):s.push(a)}),t.on("end",()=>n(Buffer.concat(s))),t.on("error",o)})}function mn(t,e={}){return t.runtime==="onnx"?new A(t):new z(t,e)}async function pn(t,e={}){let r=e.runtime??"auto",n=e.logger??P;if(r==="onnx"&&t.loader!=="sklearn"&&t.runtime!=="onnx")throw new _("usage",`--runtime onnx converts sklearn models only; this one has the ${t.loader} loader`,{hint:"drop --runtime (auto), or use --runtime python"});let o;if(t.loader==="sklearn"&&r!=="python"){let i=await q().then(()=>X(t,{python:e.python,cacheDir:e.onnxCacheDir,logger:n}),a=>({ok:!1,reason:a.message,cached:!1}));if(i.ok){let a=new A(t,{converted:i.converted}),c=await a.start();return n.info(`serving through ONNX (${i.parity.candidate}; parity on ${i.parity.rows} rows, max |diff| ${i.parity.maxAbsDiff.toExponential(1)}${i.cached?"; cached":""})`),{predictor:a,info:c}}if(r==="onnx")throw new _("input",`the model cannot be served through ONNX: ${i.reason}`,{file:t.dir,hint:"drop --runtime onnx to serve it through the Python worker"});o=i.reason,n.info(`serving through the Python worker: ${o}`)}let s=mn(t,e);try{let i=await s.start();return{predictor:s,info:o?{...i,fallback:o}:i}}catch(i){throw await s.close().catch(()=>{}),i}}async function Yr(t,e={}){let r=e.idleTimeoutMs??(e.workerTimeoutMs??3e4)+1e4,n=await Q({...e,idleTimeoutMs:r}),o=()=>new Promise(i=>{n.server.close(()=>i()),n.server.closeAllConnections()}),s;try{s=await K(t,e.resolvers)}catch(i){throw await o(),i}try{let i=await F(s.dir,{loader:e.loader}),{predictor:a,info:c}=await pn(i,e),u=await je({...e,bound:n,model:i,predictor:a,info:c,versionInfo:{model:s.ref,...s.version?{model_version:s.version}:{}}}).catch(async l=>{throw await a.close(),l});return{server:u,model:i,info:c,resolved:s,async close(){await u.close(),await s.cleanup?.()}}}catch(i){throw await o(),await s.cleanup?.(),i}}import{mkdir as fn,mkdtemp as qe,rm as Je}from"node:fs/promises";import{tmpdir as Fe}from"node:os";import{dirname as He,isAbsolute as hn,join as C,relative as gn}from"node:path";async function yn(t,e={}){let{openBackends:r}=await import("./src-QCCWXCGC.js"),{registry:n,kinds:o}=await r({token:e.token||void 0,env:e.env,logger:e.logger,projectDir:t,registry:e.registry??"local",store:"local"});return{registry:n,kind:o.registry}}function wn(t,e={}){return async r=>{if(!/^[^@/\\]+@[^@/\\]+$/.test(r))return null;let{downloadVersion:n}=await import("./src-QCCWXCGC.js"),{registry:o,kind:s}=await yn(t,e),i=s==="github"?`the GitHub registry (releases of ${o.location})`:`the local registry (${o.location})`,a=await qe(C(Fe(),"mlci-serve-")),c=()=>Je(a,{recursive:!0,force:!0});try{let u=await n(o,r,C(a,"version")),l=vn(u.files.map(m=>m.path),u.to),d=gn(a,l);if(d.startsWith("..")||hn(d))throw O(`${r}: the model directory ${l} is outside the download directory`,{hint:"the card names unsafe paths; re-register the model"});return{dir:l,ref:r,source:"registry",version:u.version,registry:{kind:s,location:o.location},cleanup:c}}catch(u){if(await c(),u instanceof _){let l=s==="github"?"local":"github";throw new _(u.kind,`${r} from ${i}: ${u.message}`,{hint:[u.hint,`the registry is chosen by the \`registry\` input (auto|github|local); ${l} looks elsewhere`].filter(Boolean).join("; "),cause:u})}throw u}}}function bn(t){return async e=>{let{openStore:r,RunNotFoundError:n}=await import("./src-P7XJ5W3X.js"),o=await r({projectDir:t}),s=await o.getRun(e).catch(c=>{if(c instanceof n)return null;throw c});if(!s)return null;let i=s.artifacts.filter(c=>c.path.startsWith("model/"));if(!i.length)throw be(`run ${s.id} has no model artifacts under model/`,'log the model with mlflow.<flavor>.log_model(..., name="model")');let a=await qe(C(Fe(),"mlci-serve-"));for(let c of i)await fn(He(C(a,c.path)),{recursive:!0}),await o.restoreBlob(c.sha256,C(a,c.path));return{dir:C(a,"model"),ref:e,source:"run",version:s.id,cleanup:()=>Je(a,{recursive:!0,force:!0})}}}var Qr=(t,e={})=>[wn(t,e),bn(t)];function vn(t,e){let r=t.find(n=>/(^|\/)(MLmodel|predict\.py)$/.test(n))??t.find(n=>n.endsWith(".onnx"));return r?C(e,He(r)):e}import{connect as xn}from"node:net";function de(t,e){return t.length?t[Math.min(t.length-1,Math.max(0,Math.ceil(e/100*t.length)-1))]:NaN}async function Ue(t){let e=Math.min(1e6,Math.max(1,Math.floor(t.requests??200))),r=Math.min(256,Math.max(1,Math.floor(t.concurrency??1))),n=new URL("/invocations",t.url);if(n.protocol!=="http:")throw new Error(`loadTest speaks plain http only, got ${n.protocol}`);let o=Buffer.from(t.body),s=Buffer.from(`POST ${n.pathname} HTTP/1.1\r
Host: ${n.host}\r
Content-Type: ${t.contentType??"application/json"}\r
Content-Length: ${o.length}\r
Connection: keep-alive\r
\r
`),i=Buffer.concat([s,o]),a=t.timeoutMs??3e4,c=n.hostname.replace(/^\[|\]$/g,""),u=Array.from({length:r},()=>new me(c,Number(n.port||80))),l=[...u],d=async()=>{let x=l.pop(),S=process.hrtime.bigint(),k=await x.request(i,a);return l.push(x),{...k,ms:Number(process.hrtime.bigint()-S)/1e6}};for(let x=0;x<(t.warmup??0);x++)await d();let m=[],p={},f=null,y=0,h=process.hrtime.bigint();await Promise.all(Array.from({length:Math.min(r,e)},async()=>{for(;y<e;){y++;let x=await d();m.push(x.ms),p[String(x.status)]=(p[String(x.status)]??0)+1,x.status===200&&f===null&&(f=x.text)}}));let g=Number(process.hrtime.bigint()-h)/1e9;for(let x of u)x.close();l=[],m.sort((x,S)=>x-S);let w=p[200]??0,$=x=>Math.round(x*1e3)/1e3;return{requests:e,concurrency:r,ok:w,errors:e-w,statuses:p,seconds:$(g),throughput:$(w/g),latencyMs:{p50:$(de(m,50)),p95:$(de(m,95)),p99:$(de(m,99)),max:$(m[m.length-1]??NaN),mean:$(m.reduce((x,S)=>x+S,0)/(m.length||1))},firstBody:f}}var me=class{constructor(e,r){this.host=e;this.port=r}host;port;socket=null;pending=null;buffer=Buffer.alloc(0);request(e,r){return new Promise(n=>{let o=setTimeout(()=>this.fail(),r);this.pending={resolve:n,timer:o},this.buffer=Buffer.alloc(0),this.open().write(e)})}close(){this.socket?.destroy(),this.socket=null}open(){if(this.socket&&!this.socket.destroyed)return this.socket;let e=xn({host:this.host,port:this.port,noDelay:!0});return e.on("data",r=>{this.buffer=this.buffer.length?Buffer.concat([this.buffer,r]):r,this.parse()}),e.on("error",()=>this.fail()),e.on("close",()=>{this.socket===e&&(this.socket=null),this.fail()}),this.socket=e,e}fail(){let e=this.pending;e&&(this.pending=null,clearTimeout(e.timer),this.close(),e.resolve({status:"error",text:""}))}parse(){let e=this.pending;if(!e)return;let r=this.buffer.indexOf(`\r
\r
`);if(r<0)return;let n=this.buffer.subarray(0,r).toString("latin1"),o=Number(/^HTTP\/1\.[01] (\d{3})/.exec(n)?.[1]??0),s=/\r\ncontent-length:\s*(\d+)/i.exec(n),i;if(s){let a=Number(s[1]);if(this.buffer.length<r+4+a)return;i=this.buffer.subarray(r+4,r+4+a).toString("utf8")}else if(/\r\ntransfer-encoding:\s*chunked/i.test(n)){let a=[],c=r+4;for(;;){let u=this.buffer.indexOf(`\r
`,c);if(u<0)return;let l=parseInt(this.buffer.subarray(c,u).toString("latin1"),16);if(l===0){if(this.buffer.indexOf(`\r
`,u+2)<0)return;break}if(this.buffer.length<u+2+l+2)return;a.push(this.buffer.subarray(u+2,u+2+l)),c=u+2+l+2}i=Buffer.concat(a).toString("utf8")}else return;this.pending=null,clearTimeout(e.timer),/\r\nconnection:\s*close/i.test(n)&&this.close(),e.resolve({status:o,text:i})}};var kn="node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0",_n="python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b",$n="1.30.0",Ge=t=>JSON.stringify(t),ne="/opt/mlci-venv",B="onnx-cache",Ye="/opt/mlci-onnx";function Ve(t){let e=t.port??8080,n=["# Generated by mlci build-serve-image. Bases are pinned by digest; override with --build-arg.",`ARG NODE_IMAGE=${t.nodeImage??kn}`];t.runtime==="python"?(n.push(`ARG PYTHON_IMAGE=${t.pythonImage??_n}`,"FROM ${NODE_IMAGE} AS node","FROM ${PYTHON_IMAGE}","COPY --from=node /usr/local/bin/node /usr/local/bin/node"),n.push("RUN node --version && python3 --version"),t.hasRequirements&&n.push("COPY requirements.txt /tmp/requirements.txt",`RUN python3 -m venv ${ne} && ${ne}/bin/python -m pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.txt && rm /tmp/requirements.txt`,`ENV PATH=${ne}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`)):t.onnxRuntimeInContext?n.push("FROM ${NODE_IMAGE}",'RUN ["node", "--version"]'):n.push("FROM ${NODE_IMAGE}",`RUN mkdir -p /app && cd /app && ONNXRUNTIME_NODE_INSTALL=skip npm install --omit=dev --no-audit --no-fund onnxruntime-node@${$n} && npm cache clean --force`);for(let[o,s]of Object.entries(t.labels??{}))n.push(`LABEL ${o}=${Ge(s)}`);return n.push("COPY app/ /app/"),t.runtime==="onnx"&&t.onnxCache&&n.push("# The ONNX conversion made and parity-checked at build time, found by the model's hash: no Python at run time.",`COPY ${B}/ ${Ye}/`),n.push("COPY model/ /model/","# A numeric non-root user: works on any base, with or without /etc/passwd.","USER 10001:10001",t.runtime==="python"?`ENV NODE_ENV=production PYTHONDONTWRITEBYTECODE=1 MLCI_PYTHON=${t.hasRequirements?`${ne}/bin/python3`:"python3"}`:`ENV NODE_ENV=production${t.onnxCache?` MLCI_ONNX_CACHE=${Ye}`:""}`,`EXPOSE ${e}`,`HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["node", "-e", ${Ge(`fetch('http://127.0.0.1:${e}/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`)}]`,"STOPSIGNAL SIGTERM",`ENTRYPOINT ["node", "/app/cli.js", "serve", "/model", "--host", "0.0.0.0", "--port", "${e}"${t.serveRuntime?`, "--runtime", "${t.serveRuntime}"`:""}]`,""),n.join(`
`)}import{chmod as pe,cp as I,mkdir as fe,readdir as Ke,readFile as Qe,rm as Nn,stat as Xe}from"node:fs/promises";import{createRequire as On}from"node:module";import{dirname as We,join as v,resolve as ze}from"node:path";async function Ze(t){let e=await F(t.modelDir),r=ze(t.serverDist);if(!await Xe(v(r,"cli.js")).catch(()=>null))throw O(`no bundled server (cli.js) in ${r}`,{hint:"build mlci first: node scripts/build.mjs"});let n=ze(t.outDir);await Nn(n,{recursive:!0,force:!0}),await fe(v(n,"app"),{recursive:!0}),await I(v(r,"cli.js"),v(n,"app/cli.js"));for(let l of["chunks","workers"])await Xe(v(r,l)).catch(()=>null)&&await I(v(r,l),v(n,"app",l),{recursive:!0});await j(v(n,"app/package.json"),JSON.stringify({name:"mlci-serve-image",private:!0,type:"module"},null,2)+`
`),await I(e.dir,v(n,"model"),{recursive:!0,filter:l=>!/(^|\/)(__pycache__|\.git)(\/|$)/.test(l)});let o=await F(v(n,"model")),s=e.loader==="sklearn"?await En(o,n,t):null,i=e.runtime==="onnx"||s?.converted?"onnx":"python",a=null;if(i==="onnx"){let l=t.arch??process.arch,d=await Rn();if(d)a=await Sn(d,v(n,"app/node_modules"),l);else if(s?.converted)throw O("onnxruntime-node checked the conversion but its package directory cannot be found")}let c=i==="python"?e.requirements:[];i==="python"&&e.loader==="sklearn"&&(c=[...c.filter(l=>!/^mlflow([-_a-z]*)?\b/i.test(l)),...c.some(l=>/^pyyaml\b/i.test(l))?[]:["pyyaml"]]),c.length&&await j(v(n,"requirements.txt"),c.join(`
`)+`
`);let u=Ve({runtime:i,hasRequirements:c.length>0,onnxRuntimeInContext:!!a,onnxCache:!!s?.converted,...s?{serveRuntime:i}:{},...t.dockerfile});return await j(v(n,"Dockerfile"),u),await j(v(n,".dockerignore"),`**/__pycache__
**/.git
`),{dir:n,model:o,dockerfile:u,requirements:c,runtime:i,onnx:s,onnxRuntime:a}}async function En(t,e,r){let n=r.logger??P,o=r.runtime??"auto";if(o==="python")return{converted:!1,reason:"runtime python was asked",forced:!0};let s=await q().then(()=>X(t,{...r.convert,logger:n}),a=>({ok:!1,reason:a.message}));if(!s.ok){if(o==="onnx")throw new _("input",`the model cannot be served through ONNX: ${s.reason}`,{file:t.dir,hint:"use runtime auto (or python) to build the Python image for it"});return n.warn(`building the Python image: the model does not take the ONNX path (${s.reason})`),{converted:!1,reason:s.reason,forced:!1}}let i=v(e,B,s.key);await I(s.dir,i,{recursive:!0}),await pe(v(e,B),493),await pe(i,493);for(let a of await Ke(i))await pe(v(i,a),420);return n.info(`building the Node-only image: ONNX conversion ${s.key} (${s.parity.candidate}; parity on ${s.parity.rows} rows, max |diff| ${s.parity.maxAbsDiff.toExponential(1)}${s.cached?"; cached":""})`),{converted:!0,key:s.key,parity:s.parity,cached:s.cached}}var Rn=async()=>await he("onnxruntime-node",import.meta.url)??he("onnxruntime-node",v(process.cwd(),"package.json"));async function he(t,e){let r;try{r=We(On(e).resolve(t))}catch{return null}for(let n=0;n<5;n++,r=We(r)){let o=await Qe(v(r,"package.json"),"utf8").catch(()=>"");if(o&&JSON.parse(o).name===t)return r}return null}async function Sn(t,e,r){let n=JSON.parse(await Qe(v(t,"package.json"),"utf8")).version,o=v(e,"onnxruntime-node");await fe(o,{recursive:!0}),await I(v(t,"package.json"),v(o,"package.json")),await I(v(t,"dist"),v(o,"dist"),{recursive:!0,filter:l=>!l.endsWith(".map")});let s=v(t,"bin"),i=await ge(s),a=l=>new RegExp(`^napi-v\\d+/linux/${r}/`).test(l);if(!i.some(a))throw O(`onnxruntime-node ${n} has no linux/${r} binary (it has: ${i.join(", ")})`,{file:s});for(let l of i.filter(a))await I(v(s,l),v(o,"bin",l));let c=await he("onnxruntime-common",v(t,"package.json"));if(!c)throw O("onnxruntime-node is installed without onnxruntime-common",{file:t});await fe(v(e,"onnxruntime-common"),{recursive:!0}),await I(v(c,"package.json"),v(e,"onnxruntime-common/package.json")),await I(v(c,"dist"),v(e,"onnxruntime-common/dist"),{recursive:!0,filter:l=>!l.endsWith(".map")});let u=[...new Set(i.filter(l=>!a(l)).map(l=>l.split("/").slice(1,3).join("/")))].sort();return{version:n,arch:r,pruned:u}}async function ge(t){let e=[],r=async n=>{for(let o of await Ke(v(t,n),{withFileTypes:!0})){let s=n?`${n}/${o.name}`:o.name;o.isDirectory()?await r(s):e.push(s)}};return await r(""),e.sort()}import{execFile as Tn}from"node:child_process";function M(t,e,r={}){return new Promise(n=>{let o=Tn(t,e,{env:r.env??process.env,timeout:r.timeoutMs??6e5,maxBuffer:67108864},(s,i,a)=>{let c=s?typeof s.code=="number"?Number(s.code):127:0;n({code:c,stdout:String(i),stderr:String(a)||(s&&!a?s.message:"")})});r.input!==void 0&&o.stdin?.end(r.input)})}async function et(t=process.env,e="auto"){let r=[];for(let n of e==="auto"?["docker","podman"]:[e]){let o=await M(n,["version","--format","{{.Server.Version}}"],{env:t,timeoutMs:15e3});if(o.code===0&&o.stdout.trim()){let s=n==="docker"&&(await M("docker",["buildx","version"],{env:t,timeoutMs:15e3})).code===0;return{builder:{tool:n,version:o.stdout.trim(),buildx:s},tried:r}}r.push(`${n}: ${(o.stderr||o.stdout).trim().split(`
`).pop()||`exit ${o.code}`}`)}return{builder:null,tried:r}}var D=(t,e)=>new _("remote",`${t} failed (exit ${e.code}): ${(e.stderr||e.stdout).trim().split(`
`).slice(-6).join(`
  `)}`);async function tt(t,e,r,n,o,s){let i=["build",...r.flatMap(u=>["-t",u]),...Object.entries(n).flatMap(([u,l])=>["--build-arg",`${u}=${l}`]),e];t.tool==="docker"&&t.buildx&&i.splice(1,0,"--load"),s?.info(`${t.tool} ${i.join(" ")}`);let a=await M(t.tool,t.tool==="docker"&&t.buildx?["buildx",...i]:i,{env:o});if(a.code!==0)throw D(`${t.tool} build`,a);let c=await M(t.tool,["image","inspect","--format","{{.Id}}",r[0]],{env:o});if(c.code!==0)throw D(`${t.tool} image inspect`,c);return c.stdout.trim()}async function nt(t,e,r,n){let o=t.tool==="podman"?["--ulimit","nofile=4096:4096","--ulimit","nproc=4096:4096"]:[],s=await M(t.tool,["run","-d",...o,"-p",`127.0.0.1::${r}`,e],{env:n,timeoutMs:6e4});if(s.code!==0)throw D(`${t.tool} run`,s);let i=s.stdout.trim().split(`
`).pop(),a=await M(t.tool,["port",i,String(r)],{env:n}),c=/:(\d+)\s*$/m.exec(a.stdout)?.[1];if(!c)throw D(`${t.tool} port`,a);return{id:i,url:`http://127.0.0.1:${c}`,async stop(){let u=Date.now();await M(t.tool,["stop","-t","10",i],{env:n,timeoutMs:3e4});let l=await M(t.tool,["inspect","--format","{{.State.ExitCode}}",i],{env:n});return await M(t.tool,["rm","-f",i],{env:n}),{seconds:(Date.now()-u)/1e3,exitCode:l.code===0?Number(l.stdout.trim()):null}},async logs(){let u=await M(t.tool,["logs",i],{env:n});return u.stdout+u.stderr}}}async function rt(t,e,r,n,o,s){if(t.tool==="docker"&&t.buildx){let a=`${e}.metadata.json`,c=["buildx","build","--push","--sbom=true","--provenance=mode=max","--metadata-file",a,...r.flatMap(m=>["-t",m]),...Object.entries(n).flatMap(([m,p])=>["--build-arg",`${m}=${p}`]),e];s?.info(`docker ${c.join(" ")}`);let u=await M("docker",c,{env:o});if(u.code!==0)throw D("docker buildx build --push",u);let{readFile:l}=await import("node:fs/promises");return{digest:JSON.parse(await l(a,"utf8"))["containerimage.digest"],sbom:!0,provenance:!0}}let i="";for(let a of r){let c=await M(t.tool,["push",a],{env:o});if(c.code!==0)throw D(`${t.tool} push ${a}`,c);i||=/digest: (sha256:[0-9a-f]{64})/.exec(c.stdout+c.stderr)?.[1]??""}return{digest:i,sbom:!1,provenance:!1}}function ye(t){return t.replace(/[^A-Za-z0-9_.-]+/g,"-").replace(/^[.-]+/,"").slice(0,128)||"latest"}import{spawn as Mn}from"node:child_process";import{basename as Pn,join as we}from"node:path";async function $o(t){let e=t.logger??P,r=t.group??((s,i)=>i()),n=t.env??process.env,o=await K(t.model,t.resolvers);try{let s=t.modelVersion??o.version??null,i=t.commit??n.GITHUB_SHA??"",a=o.source==="registry"?o.ref.split("@")[0]:Pn(o.dir),c=(t.image??`mlci-serve/${ye(a).toLowerCase()}`).toLowerCase(),u=[...new Set([`${c}:${s?ye(s):"latest"}`,...i?[`${c}:sha-${i.slice(0,12)}`]:[]])],l={"org.opencontainers.image.title":a,...s?{"org.opencontainers.image.version":s}:{},...i?{"org.opencontainers.image.revision":i}:{},...n.GITHUB_REPOSITORY?{"org.opencontainers.image.source":`${n.GITHUB_SERVER_URL??"https://github.com"}/${n.GITHUB_REPOSITORY}`}:{}},d=await r("Build context",async()=>{let w=await Ze({modelDir:o.dir,outDir:t.contextDir,serverDist:t.serverDist,dockerfile:{labels:l},runtime:t.runtime,convert:t.convert,logger:e});return e.info(w.dockerfile),w}),m=d.model.inputExample;if(!m)throw new _("input","the model has no input example to smoke-test the image with",{file:o.dir,hint:"save the model with input_example=... (mlflow.<flavor>.save_model / log_model), or add input_example.json"});let p=JSON.stringify(m),{builder:f,tried:y}=t.builder==="none"?{builder:null,tried:["builder: none (asked)"]}:await et(n,t.builder==="docker"||t.builder==="podman"?t.builder:"auto"),h={model:{ref:o.ref,dir:o.dir,loader:d.model.loader,version:s,source:o.source,registry:o.registry??null},context:{dir:d.dir,files:await ge(d.dir),requirements:d.requirements},runtime:{path:d.runtime,onnx:d.onnx,onnxRuntime:d.onnxRuntime},container:{exercised:!1,builder:f?`${f.tool} ${f.version}`:null,imageId:null,reason:null,stopSeconds:null,stopExitCode:null},tags:u,smoke:{target:f?"container":"server-from-context",predictions:[],health:null,load:void 0},push:{pushed:!1,digest:null,sbom:!1,provenance:!1,reason:null}},g=f?await r(`Build image (${f.tool})`,async()=>(h.container.imageId=await tt(f,d.dir,u,t.buildArgs??{},n,e),In(f,u[0],n))):await An(d,n);f||(h.container.reason=`no container builder can run here (${y.join("; ")}); the container step was NOT exercised: the server ran from the built context instead`,e.warn(h.container.reason));try{await r("Smoke test /invocations",async()=>{await Cn(g.url,t.readyTimeoutMs??12e4,g.logs);let w=await fetch(`${g.url}/invocations`,{method:"POST",headers:{"content-type":"application/json"},body:p,signal:AbortSignal.timeout(12e4)}).catch(N=>{throw new _("input",`the smoke test's first request to ${g.url}/invocations failed: ${N.message}`,{hint:"the server answered /ping but not a prediction within 120 s: check the container log"})}),$=await w.text();if(w.status!==200)throw new _("input",`the smoke test got ${w.status} for the model's input example: ${$.slice(0,500)}`,{hint:"the image serves, but not this model with its own example: check the signature and requirements"});h.smoke.predictions=JSON.parse($).predictions;let x=await fetch(`${g.url}/health`,{signal:AbortSignal.timeout(1e4)}).then(async N=>await N.json(),()=>null);if(h.smoke.health=x,x?.path!==d.runtime)throw new _("input",`the image was built for the ${d.runtime} path but /health says ${x?`path ${String(x.path)}${x.fallback?` (${String(x.fallback)})`:""}`:"nothing"}`);e.info(`/health: path ${x.path}, ${String(x.runtime)}`);let{firstBody:S,...k}=await Ue({url:g.url,body:p,requests:t.smokeRequests??100,concurrency:t.smokeConcurrency??4});if(h.smoke.load=k,k.errors)throw new _("input",`the smoke test had ${k.errors} failed requests of ${k.requests} (${JSON.stringify(k.statuses)})`);e.info(`smoke: ${k.ok}/${k.requests} ok, p50 ${k.latencyMs.p50} ms, p95 ${k.latencyMs.p95} ms, p99 ${k.latencyMs.p99} ms, ${k.throughput} req/s`)})}finally{let w=await g.stop();f&&Object.assign(h.container,{exercised:!0,stopSeconds:w.seconds,stopExitCode:w.exitCode})}return t.push?f?await r("Push",async()=>{let w=await rt(f,d.dir,u,t.buildArgs??{},n,e);Object.assign(h.push,{pushed:!0,digest:w.digest||null,sbom:w.sbom,provenance:w.provenance}),w.sbom||(h.push.reason=`${f.tool} has no buildx here: pushed without SBOM or provenance attestations`)}):h.push.reason="no container builder: nothing was built, so nothing was pushed":h.push.reason="push not requested",h}finally{await o.cleanup?.()}}async function In(t,e,r){return nt(t,e,8080,r)}async function An(t,e){let r=t.dir,n=!!t.onnx?.converted,o=Mn(process.execPath,[we(r,"app/cli.js"),"serve",we(r,"model"),"--port","0","--json",...t.onnx?["--runtime",t.runtime]:[]],{env:{...e,NO_COLOR:"1",...n?{MLCI_ONNX_CACHE:we(r,B)}:{}},stdio:["ignore","pipe","pipe"]}),s="",i="";o.stderr.on("data",u=>i+=u);let a=new Promise(u=>o.once("exit",l=>u(l)));return{url:await new Promise((u,l)=>{o.stdout.on("data",d=>{s+=d;try{u(JSON.parse(s).url)}catch{}}),a.then(d=>l(new _("input",`the server in the context exited ${d} before it was ready:
${i.slice(-2e3)}`)))}),async stop(){let u=Date.now();o.exitCode===null&&o.kill("SIGTERM");let l=await a;return{seconds:(Date.now()-u)/1e3,exitCode:l}},logs:async()=>i}}async function Cn(t,e,r){let n=Date.now()+e;for(;Date.now()<n;){if(await fetch(`${t}/ping`,{signal:AbortSignal.timeout(5e3)}).then(s=>s.status===200,()=>!1))return;await new Promise(s=>setTimeout(s,200))}throw new _("input",`the server did not answer /ping within ${e} ms; its log:
${(await r()).slice(-3e3)}`)}export{Yr as a,Qr as b,$o as c};
