import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as z}from"./chunk-C74FYDGI.js";import{a as ve}from"./chunk-RUQECBMY.js";import{f as X,g as P}from"./chunk-SMNZ4YJN.js";import{a as M,b as D,c as b,d as H,g as W,h as R,i as V}from"./chunk-55RPZVZE.js";import{d as we}from"./chunk-3LHRBKTG.js";import{mkdir as tt,mkdtemp as pe,rm as fe}from"node:fs/promises";import{tmpdir as he}from"node:os";import{dirname as ye,join as E}from"node:path";var k=class extends Error{constructor(t,r){super(r);this.reason=t;this.name="PredictError"}reason};var c=class extends Error{constructor(t,r,o=t===400?"BAD_REQUEST":t===413?"RESOURCE_LIMIT_EXCEEDED":t>=500?"INTERNAL_ERROR":"BAD_REQUEST"){super(r);this.status=t;this.errorCode=o;this.name="HttpError"}status;errorCode;body(){return JSON.stringify({error_code:this.errorCode,message:this.message})}};var te=we(ve(),1);import{readFile as J,readdir as xe,stat as $e}from"node:fs/promises";import{basename as Se,dirname as Me,join as N,resolve as Pe}from"node:path";function K(n,e){if(n==null)return null;let t;try{t=typeof n=="string"?JSON.parse(n):n}catch(r){throw b(`signature.inputs is not valid JSON: ${r.message}`,{file:e})}if(!Array.isArray(t)||t.length===0)throw b("signature.inputs must be a non-empty list",{file:e});return t.every(r=>r?.type==="tensor")?{kind:"tensors",tensors:t.map(r=>({...r.name?{name:String(r.name)}:{},dtype:String(r["tensor-spec"]?.dtype??"float64"),shape:(r["tensor-spec"]?.shape??[-1]).map(Number)}))}:{kind:"columns",columns:t.map((r,o)=>{if(typeof r?.type!="string")throw b(`signature.inputs[${o}] has no type`,{file:e});return{name:typeof r.name=="string"?r.name:String(o),type:r.type,required:r.required!==!1}})}}var be=new Set(["double","float","long","integer"]);function Q(n,e){if(!e)return n;if(e.kind==="tensors")return n.kind==="table"||_e(n.data,e.tensors[0]),n;let t=e.columns;if(n.kind==="tensor"){let i=n.data;if(!i.every(Array.isArray))throw $(`this model takes named columns (${C(t)}); send dataframe_split, dataframe_records or a list of objects`);let d=i.findIndex(u=>u.length!==t.length);if(d>=0)throw $(`row ${d} has ${i[d].length} values; the model's signature has ${t.length} columns (${C(t)})`);n={kind:"table",columns:t.map(u=>u.name),rows:i}}let r=new Map(n.columns.map((i,d)=>[i,d])),o=t.filter(i=>r.has(i.name)),s=t.filter(i=>i.required&&!r.has(i.name));if(s.length)throw $(`missing column${s.length>1?"s":""} ${s.map(i=>`'${i.name}'`).join(", ")} (the model's signature requires: ${C(t.filter(i=>i.required))})`);let a=n.rows.map((i,d)=>o.map(u=>{let l=i[r.get(u.name)];return ke(l,u,d),l}));return{kind:"table",columns:o.map(i=>i.name),rows:a}}function ke(n,e,t){let r=`column '${e.name}' row ${t}`;if(n==null){if(e.type==="double"||e.type==="float"||!e.required)return;throw $(`${r}: missing value; the signature says ${e.type} and required`)}let o=Z(n);if(be.has(e.type)){if(typeof n!="number")throw $(`${r}: expected ${e.type}, got ${o}`);if((e.type==="long"||e.type==="integer")&&!Number.isInteger(n))throw $(`${r}: expected ${e.type} (a whole number), got ${o}`);return}if(e.type==="boolean"&&typeof n!="boolean")throw $(`${r}: expected boolean, got ${o}`);if((e.type==="string"||e.type==="binary")&&typeof n!="string")throw $(`${r}: expected ${e.type}, got ${o}`);if(e.type==="datetime"&&(typeof n!="string"||Number.isNaN(Date.parse(n))))throw $(`${r}: expected a datetime (ISO 8601 text), got ${o}`)}function _e(n,e){if(!e)return;let t=[n.length];for(let r=n[0];Array.isArray(r);r=r[0])t.push(r.length);if(t.length!==e.shape.length)throw $(`input has shape [${t.join(", ")}]; the model's signature expects ${e.shape.length} dimensions [${e.shape.join(", ")}]`);if(e.shape.forEach((r,o)=>{if(r>=0&&t[o]!==r)throw $(`input dimension ${o} is ${t[o]}; the model's signature expects ${r} (shape [${e.shape.join(", ")}])`)}),/^(float|int|uint)/.test(e.dtype)){let r=n.flat(e.shape.length),o=r.findIndex(s=>typeof s!="number");if(o>=0)throw $(`input element ${o} (flattened) is ${Z(r[o])}; the model's signature expects ${e.dtype}`)}}var C=n=>n.map(e=>e.name).join(", ");function Z(n){return typeof n=="string"?`string ${JSON.stringify(n.length>40?n.slice(0,40)+"\u2026":n)}`:typeof n=="number"?`${Number.isInteger(n)?"integer":"number"} ${n}`:Array.isArray(n)?"a list":n&&typeof n=="object"?"an object":`${typeof n} ${String(n)}`}var $=n=>new c(400,n);var I="a model directory is one of: an MLflow model directory (MLmodel + model.pkl/model.skops), a directory with predict.py defining predict(records), or a directory holding one .onnx file (a path to the .onnx file works too)",Ee=new Set(["sklearn","pyfunc","predict.py","onnx"]);async function re(n,e={}){let t=Pe(n),r=await $e(t).catch(()=>null);if(!r)throw b("no such model directory",{file:n,hint:I});if(e.loader&&!Ee.has(e.loader))throw b(`unknown loader "${e.loader}"`,{hint:"use one of sklearn, pyfunc, predict.py, onnx"});let o=r.isDirectory()?t:Me(t);if(!r.isDirectory()&&!t.endsWith(".onnx"))throw b("is a file, expected a model directory or an .onnx file",{file:n,hint:I});let s=await xe(o),a=h=>s.includes(h),i=a("MLmodel")?await Te(N(o,"MLmodel")):null,d=i?Object.keys(i.flavors??{}):[],u=s.filter(h=>h.endsWith(".onnx")),l=i?.flavors?.onnx,m=r.isDirectory()?typeof l?.data=="string"?l.data:u.length===1?u[0]:void 0:Se(t),p=[];a("predict.py")&&p.push("predict.py"),(!r.isDirectory()||l)&&p.push("onnx"),d.includes("sklearn")&&p.push("sklearn"),d.includes("python_function")&&p.push("pyfunc"),!i&&m&&p.push("onnx");let g=e.loader?e.loader:p[0];if(!g)throw b(`cannot tell how to serve this model${u.length>1?` (${u.length} .onnx files; name one)`:""}`,{file:n,hint:I});if(e.loader&&!p.includes(g)&&!(g==="onnx"&&m))throw b(`the ${g} loader does not fit this directory (it fits: ${p.join(", ")||"none"})`,{file:n,hint:I});let x=i?.signature?.inputs,S=K(x,N(o,"MLmodel"));return{dir:o,loader:g,runtime:g==="onnx"?"onnx":"python",...g==="onnx"?{onnxFile:m}:{},flavors:d,signature:S,inputExample:await Re(o,s),requirements:a("requirements.txt")?Ne(await J(N(o,"requirements.txt"),"utf8")):[],...typeof i?.mlflow_version=="string"?{mlflowVersion:i.mlflow_version}:{}}}async function Te(n){try{let e=(0,te.parse)(await J(n,"utf8"));if(!e||typeof e!="object")throw new Error("not a YAML mapping");return e}catch(e){throw b(`MLmodel is not valid YAML: ${e.message}`,{file:n,hint:"MLflow writes this file; re-save the model with mlflow.<flavor>.save_model"})}}var ee=["dataframe_split","dataframe_records","instances","inputs"];async function Re(n,e){let t=async r=>e.includes(r)?JSON.parse(await J(N(n,r),"utf8")):void 0;try{let r=await t("serving_input_example.json");if(r&&typeof r=="object"&&ee.some(s=>s in r))return r;let o=await t("input_example.json");return o===void 0?null:o&&typeof o=="object"&&!Array.isArray(o)?ee.some(s=>s in o)?o:Array.isArray(o.data)?{dataframe_split:o}:{dataframe_records:[o]}:Array.isArray(o)?o.every(s=>s&&typeof s=="object"&&!Array.isArray(s))?{dataframe_records:o}:{inputs:o}:null}catch(r){throw b(`the input example is not valid JSON: ${r.message}`,{file:N(n,"input_example.json")})}}function Ne(n){return n.split(`
`).map(e=>e.replace(/#.*/,"").trim()).filter(Boolean)}var F=["dataframe_split","dataframe_records","instances","inputs"],ne=["application/json","text/csv"];function oe(n,e,t){let[r,...o]=(e??"").split(";").map(a=>a.trim().toLowerCase());for(let a of o){let[i,d]=a.split("=").map(u=>u.trim());if(i!=="charset")throw new c(415,`Unrecognized content type parameters: ${i}`);if(d.replace(/"/g,"")!=="utf-8")throw new c(415,"The scoring server only supports UTF-8")}if(!ne.includes(r))throw new c(415,`This predictor only supports the following content types: ${ne.join(", ")}. Got '${e??""}'.`);let s=Ae(n);return r==="text/csv"?je(s,t):Ie(s,t)}function Ae(n){try{return new TextDecoder("utf-8",{fatal:!0}).decode(n)}catch{throw new c(400,"Ensure that input is a valid UTF-8 encoded string")}}function Ie(n,e){let t;try{t=JSON.parse(n)}catch(a){throw new c(400,`Ensure that input is a valid JSON formatted string. Error: ${a.message}`)}if(!t||typeof t!="object"||Array.isArray(t))throw new c(400,`The input must be a JSON dictionary with exactly one of the input fields {${F.map(a=>`'${a}'`).join(", ")}}. Received ${Array.isArray(t)?"a list":typeof t}.`);let r=Object.keys(t).filter(a=>F.includes(a));if(r.length!==1)throw new c(400,`The input must be a JSON dictionary with exactly one of the input fields {${F.map(a=>`'${a}'`).join(", ")}}. Received dictionary with input fields: [${Object.keys(t).map(a=>`'${a}'`).join(", ")}].`);let o=r[0],s=t[o];switch(o){case"dataframe_split":return Oe(s,e);case"dataframe_records":if(!Array.isArray(s)||!s.every(O))throw new c(400,"dataframe_records must be a list of objects, one per row");return se(s);default:return Le(o,s)}}function Oe(n,e){if(!O(n)||!Array.isArray(n.data))throw new c(400,'dataframe_split must be an object with "data" (a list of rows) and usually "columns"');let t=n.data,r=t.findIndex(a=>!Array.isArray(a));if(r>=0)throw new c(400,`dataframe_split.data[${r}] is not a list of values`);let o;if(n.columns===void 0){let a=t.length?t[0].length:0;o=e?.kind==="columns"&&e.columns.length===a?e.columns.map(i=>i.name):Array.from({length:a},(i,d)=>String(d))}else if(Array.isArray(n.columns))o=n.columns.map(String);else throw new c(400,"dataframe_split.columns must be a list of column names");let s=t.findIndex(a=>a.length!==o.length);if(s>=0)throw new c(400,`dataframe_split.data[${s}] has ${t[s].length} values for ${o.length} columns`);return{kind:"table",columns:o,rows:t}}function se(n){let e=[],t=new Set;for(let r of n)for(let o of Object.keys(r))t.has(o)||(t.add(o),e.push(o));return{kind:"table",columns:e,rows:n.map(r=>e.map(o=>o in r?r[o]:null))}}function Le(n,e){if(Array.isArray(e))return e.length&&e.every(O)?se(e):{kind:"tensor",data:e};if(O(e)){let t=Object.keys(e),r=t.map(s=>Array.isArray(e[s])?e[s]:[e[s]]),o=r[0]?.length??0;if(r.some(s=>s.length!==o))throw new c(400,`${n}: every column must hold the same number of values`);return{kind:"table",columns:t,rows:Array.from({length:o},(s,a)=>r.map(i=>i[a]))}}throw new c(400,`${n} must be a list (rows or an array) or an object of column -> values`)}function je(n,e){let t=Be(n);if(t.length===0)throw new c(400,"Failed to parse input as a CSV table: the body is empty (a header row is required)");let[r,...o]=t,s=new Map(e?.kind==="columns"?e.columns.map(i=>[i.name,i.type]):[]),a=o.map((i,d)=>{if(i.length!==r.length)throw new c(400,`CSV row ${d+2} has ${i.length} fields; the header has ${r.length}`);return i.map((u,l)=>qe(u,s.get(r[l])))});return{kind:"table",columns:r,rows:a}}function qe(n,e){if(e==="string"||e==="binary"||e==="datetime")return n;if(n==="")return null;if(e==="boolean")return n==="True"||n==="true"?!0:n==="False"||n==="false"?!1:n;let t=Number(n);return e?Number.isNaN(t)&&!/^nan$/i.test(n)?n:t:n.trim()!==""&&!Number.isNaN(t)?t:n}function Be(n){let e=[],t=[],r="",o=!1;for(let s=0;s<n.length;s++){let a=n[s];o?a==='"'&&n[s+1]==='"'?(r+='"',s++):a==='"'?o=!1:r+=a:a==='"'?o=!0:a===","?(t.push(r),r=""):a===`
`||a==="\r"?(a==="\r"&&n[s+1]===`
`&&s++,t.push(r),e.push(t),t=[],r=""):r+=a}if(o)throw new c(400,"Failed to parse input as a CSV table: a quoted field is not closed");return(r!==""||t.length)&&(t.push(r),e.push(t)),e.filter(s=>!(s.length===1&&s[0]===""))}var O=n=>!!n&&typeof n=="object"&&!Array.isArray(n);var De=[5e-4,.001,.0025,.005,.01,.025,.05,.1,.25,.5,1,2.5,5,10],Ce=[-1e6,-1e4,-1e3,-100,-10,-1,-.1,0,.1,1,10,100,1e3,1e4,1e6],ie=100,L=class{constructor(e){this.buckets=e;this.counts=new Array(e.length).fill(0)}buckets;counts;sum=0;count=0;observe(e){this.sum+=e,this.count++;let t=this.buckets.findIndex(r=>e<=r);t>=0&&this.counts[t]++}render(e,t){let r=[],o=0;return this.buckets.forEach((s,a)=>{o+=this.counts[a],r.push(`${e}_bucket{${t}${t?",":""}le="${s}"} ${o}`)}),r.push(`${e}_bucket{${t}${t?",":""}le="+Inf"} ${this.count}`),r.push(`${e}_sum${t?`{${t}}`:""} ${this.sum}`,`${e}_count${t?`{${t}}`:""} ${this.count}`),r}},U=n=>n.replace(/\\/g,"\\\\").replace(/"/g,'\\"').replace(/\n/g,"\\n"),j=class{constructor(e){this.classifier=e}classifier;requests=new Map;latency=new Map;errors=new Map;classes=new Map;values=new L(Ce);rows=0;request(e,t,r){let o=`route="${e}",status="${t}"`;this.requests.set(o,(this.requests.get(o)??0)+1);let s=this.latency.get(e);s||this.latency.set(e,s=new L(De)),s.observe(r)}error(e){this.errors.set(e,(this.errors.get(e)??0)+1)}predictions(e){this.rows+=e.length;let t=this.classifier();for(let r of e)if(!t&&typeof r=="number")this.values.observe(r);else if(typeof r=="string"||typeof r=="number"||typeof r=="boolean"){let o=String(r),s=this.classes.has(o)||this.classes.size<ie?o:"__other__";this.classes.set(s,(this.classes.get(s)??0)+1)}}render(e){let t=[],r=(o,s,a)=>t.push(`# HELP ${o} ${a}`,`# TYPE ${o} ${s}`);r("mlci_http_requests_total","counter","HTTP requests by route and status code.");for(let[o,s]of this.requests)t.push(`mlci_http_requests_total{${o}} ${s}`);r("mlci_http_request_duration_seconds","histogram","HTTP request latency by route, from the first byte read to the last byte written.");for(let[o,s]of this.latency)t.push(...s.render("mlci_http_request_duration_seconds",`route="${U(o)}"`));r("mlci_prediction_errors_total","counter","Failed /invocations by reason.");for(let[o,s]of this.errors)t.push(`mlci_prediction_errors_total{reason="${U(o)}"} ${s}`);r("mlci_predicted_rows_total","counter","Rows predicted."),t.push(`mlci_predicted_rows_total ${this.rows}`),r("mlci_predictions_by_class_total","counter",`Predictions per class label (classifiers; at most ${ie} labels, then __other__).`);for(let[o,s]of this.classes)t.push(`mlci_predictions_by_class_total{class="${U(o)}"} ${s}`);r("mlci_prediction_value","histogram","Distribution of numeric predictions (regressors)."),t.push(...this.values.render("mlci_prediction_value",""));for(let[o,s]of Object.entries(e))r(o,"gauge",s.help),t.push(`${o} ${s.value}`);return t.join(`
`)+`
`}};import{spawn as Je}from"node:child_process";import{createInterface as le}from"node:readline";var ae=`"""mlci serve's Python worker: loads one model, then answers prediction requests as JSON Lines.

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
    protocol.write(json.dumps(message, allow_nan=False, default=str) + "\\n")
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
`;var G=class{constructor(e,t,r,o,s){this.logger=o;this.child=Je(t,["-u","-c",ae,e.dir,e.loader],{stdio:["pipe","pipe","pipe"],env:r}),this.exited=new Promise(i=>this.child.once("exit",d=>i(d)));let a=[];le({input:this.child.stderr}).on("line",i=>{a.push(i),a.length>20&&a.shift(),o?.info(`[python ${this.child.pid}] ${i}`)}),this.child.stdin.on("error",()=>{}),this.info=new Promise((i,d)=>{this.child.once("error",u=>d(new M("input",`cannot start ${t}: ${u.message}`,{hint:"install Python 3 or point --python / MLCI_PYTHON at it"}))),this.exited.then(u=>d(new M("input",`the Python worker exited (code ${u}) before the model loaded${a.length?`:
  ${a.slice(-8).join(`
  `)}`:""}`))),le({input:this.child.stdout}).on("line",u=>{let l;try{l=JSON.parse(u)}catch{return o?.warn(`[python ${this.child.pid}] unreadable protocol line: ${u.slice(0,200)}`)}l.ready?(this.ready=!0,i({loader:e.loader,classes:l.classes??null,runtime:`python ${l.python}`,pid:this.child.pid})):typeof l.fatal=="string"?d(new M("input",`the model could not be loaded: ${l.fatal}`,{file:e.dir,hint:"the Python worker log above has the traceback; check the model's requirements are installed"})):s(this,l)})})}logger;child;job=null;ready=!1;info;exited;send(e){this.job=e;let t=e.batch.kind==="table"?{id:e.id,columns:e.batch.columns,rows:e.batch.rows}:{id:e.id,tensor:e.batch.data};this.child.stdin.write(JSON.stringify(t)+`
`)}kill(e="SIGKILL"){this.child.exitCode===null&&this.child.signalCode===null&&this.child.kill(e)}},q=class{constructor(e,t={}){this.model=e;this.options=t;this.python=t.python??process.env.MLCI_PYTHON??"python3",this.size=Math.min(32,Math.max(1,Math.floor(t.workers??1))),this.env={...process.env,PYTHONUNBUFFERED:"1",...t.env}}model;options;workers=[];queue=[];nextId=1;restarts=0;closing=!1;info=null;python;size;env;async start(){let e=Array.from({length:this.size},()=>this.spawnWorker()),t=this.options.startTimeoutMs??12e4,r;try{let o=await Promise.race([Promise.all(e.map(i=>i.info)),new Promise((i,d)=>r=setTimeout(()=>d(new M("input",`the model did not load within ${t} ms`,{hint:"raise --start-timeout for large models"})),t))]),{pid:s,...a}=o[0];return this.info=a,this.dispatch(),a}catch(o){this.closing=!0;for(let s of this.workers)s.kill();throw o}finally{clearTimeout(r)}}isReady(){return!this.closing&&this.workers.some(e=>e.ready)}predict(e){return this.closing?Promise.reject(new k("unavailable","the server is shutting down")):this.queue.length>=(this.options.maxQueue??64)?Promise.reject(new k("busy",`all ${this.size} workers are busy and ${this.queue.length} requests are waiting; retry later`)):new Promise((t,r)=>{this.queue.push({id:this.nextId++,batch:e,resolve:t,reject:r}),this.dispatch()})}stats(){return{restarts:this.restarts,queued:this.queue.length,busy:this.workers.filter(e=>e.job).length,workers:this.workers.filter(e=>e.ready).length}}async close(){this.closing=!0;for(let e of this.queue.splice(0))e.reject(new k("unavailable","the server is shutting down"));await Promise.all(this.workers.map(async e=>{e.child.stdin.end();let t=setTimeout(()=>e.kill("SIGKILL"),3e3);await e.exited,clearTimeout(t)}))}spawnWorker(){let e=new G(this.model,this.python,this.env,this.options.logger,(t,r)=>this.onResult(t,r));return this.workers.push(e),e.info.then(()=>this.dispatch(),()=>{}),e.exited.then(t=>this.onExit(e,t)),e}onResult(e,t){let r=e.job;!r||t.id!==r.id||(clearTimeout(r.timer),e.job=null,Array.isArray(t.predictions)?r.resolve(t.predictions):r.reject(new k(t.bad_input?"bad_input":"model",String(t.error??"the model failed"))),this.dispatch())}onExit(e,t){this.workers.splice(this.workers.indexOf(e),1);let r=e.job;if(r&&(clearTimeout(r.timer),r.reject(new k("crash",`the Python worker died (exit ${t??e.child.signalCode}) during this request; it is being restarted`))),this.closing||!this.info)return;this.restarts++,this.options.logger?.warn(`Python worker ${e.child.pid} exited (${t??e.child.signalCode}); restarting it`);let o=Math.min(5e3,100*2**Math.min(6,this.restarts-1));setTimeout(()=>{this.closing||this.spawnWorker().info.catch(s=>this.options.logger?.error(`Python worker failed to restart: ${s.message}`))},e.ready?0:o).unref()}dispatch(){for(;this.queue.length;){let e=this.workers.find(o=>o.ready&&!o.job&&o.child.exitCode===null);if(!e)return;let t=this.queue.shift(),r=this.options.workerTimeoutMs??3e4;t.timer=setTimeout(()=>{t.reject(new k("timeout",`the model took longer than ${r} ms; its worker was restarted`)),e.kill()},r),e.send(t)}}};import{createRequire as Fe}from"node:module";import{join as de}from"node:path";import{pathToFileURL as Ue}from"node:url";var Y="onnxruntime-node";async function Ge(){try{let n=Y,e=await import(n).catch(()=>import(Ue(Fe(de(process.cwd(),"package.json")).resolve(n)).href));return e.InferenceSession?e:e.default}catch(n){throw new M("input",`ONNX models need the ${Y} package, which is not installed here (${n.message.split(`
`)[0]})`,{hint:`ONNXRUNTIME_NODE_INSTALL=skip npm install ${Y} (the CPU runtime ships inside the package; "skip" avoids its optional GPU download)`})}}var B=class{constructor(e,t={}){this.model=e;this.options=t}model;options;session=null;ort=null;closing=!1;busy=0;async start(){this.ort=await Ge();let e=de(this.model.dir,this.model.onnxFile??"model.onnx");try{this.session=await this.ort.InferenceSession.create(e,{intraOpNumThreads:this.options.threads??1,interOpNumThreads:1})}catch(r){throw new M("input",`onnxruntime cannot load the model: ${r.message}`,{file:e})}let t=this.ort.env?.versions;return{loader:"onnx",classes:null,runtime:`onnxruntime-node ${t?.node??t?.common??""}`.trim()}}isReady(){return!!this.session&&!this.closing}async predict(e){if(!this.session||!this.ort||this.closing)throw new k("unavailable","the ONNX session is not open");let t=this.feeds(e);this.busy++;try{let r=this.session.outputNames[0],o=await this.session.run(t,[r]);return He(o[r])}catch(r){throw r instanceof c?r:new k("bad_input",`onnxruntime rejected the input: ${r.message}`)}finally{this.busy--}}stats(){return{restarts:0,queued:0,busy:this.busy,workers:this.session?1:0}}async close(){this.closing=!0,await this.session?.release(),this.session=null}feeds(e){let t=this.session,r=this.ort,o=Array.isArray(t.inputMetadata)?t.inputMetadata:[],s=l=>o.find(m=>m.name===l)?.type??"float32",a=(l,m,p,g)=>{let x=m.findIndex(S=>l==="string"?typeof S!="string":typeof S!="number"&&typeof S!="boolean");if(x>=0)throw new c(400,`${g}: value ${x} (flattened) is ${JSON.stringify(m[x])}; the ONNX input is ${l}`);if(l==="float32")return new r.Tensor("float32",Float32Array.from(m),p);if(l==="float64")return new r.Tensor("float64",Float64Array.from(m),p);if(l==="int64")return new r.Tensor("int64",BigInt64Array.from(m.map(S=>BigInt(Math.trunc(S)))),p);if(l==="int32")return new r.Tensor("int32",Int32Array.from(m),p);if(l==="string")return new r.Tensor("string",m,p);throw new c(400,`the ONNX input type ${l} is not supported by mlci serve`)},i=t.inputNames;if(e.kind==="tensor"){let l=Ye(e.data);return{[i[0]]:a(s(i[0]),e.data.flat(l.length),l,i[0])}}let d=e.rows.length;if(i.length>1||i.length===1&&e.columns.length===1&&e.columns[0]===i[0]){let l={};for(let m of i){let p=e.columns.indexOf(m);if(p<0)throw new c(400,`missing column '${m}' (the ONNX model's inputs are: ${i.join(", ")})`);l[m]=a(s(m),e.rows.map(g=>g[p]),[d,1],`column '${m}'`)}return l}let u=e.columns.length;return{[i[0]]:a(s(i[0]),e.rows.flat(),[d,u],i[0])}}};function Ye(n){let e=[n.length];for(let t=n[0];Array.isArray(t);t=t[0])e.push(t.length);return e}function He(n){let e=Array.from(n.data,o=>typeof o=="bigint"?Number(o):o),t=n.dims.length===2&&n.dims[1]===1?[n.dims[0]]:[...n.dims],r=(o,s)=>{if(s===t.length-1)return e.slice(o,o+t[s]);let a=t.slice(s+1).reduce((i,d)=>i*d,1);return Array.from({length:t[s]},(i,d)=>r(o+d*a,s+1))};return t.length?r(0,0):e}import{stat as We}from"node:fs/promises";import{resolve as Ve}from"node:path";async function ce(n,e=[]){if(!n)throw b("no model given",{hint:"pass a model directory, NAME@ALIAS or a run id"});if(await We(n).then(()=>!0,()=>!1))return{dir:Ve(n),ref:n,source:"path"};for(let t of e){let r=await t(n);if(r)return r}throw b(`no model directory at "${n}"${e.length?", and no registry version or run by that name":""}`,{hint:"pass a model directory (MLflow model, predict.py, or .onnx), NAME@ALIAS / NAME@vX.Y.Z from the registry, or a run id"})}import{createServer as Xe}from"node:http";var ze="0.1.0",Ke="application/json";async function ue(n){let{model:e,predictor:t,info:r}=n,o=n.logger??V,s=n.maxBodyBytes??10*1024*1024,a=()=>r.classes!==null,i=new j(a),d=0,u=!1,l=(h,f,_,w=Ke)=>{h.headersSent||(h.writeHead(f,{"content-type":w,"content-length":Buffer.byteLength(_),...u?{connection:"close"}:{}}),h.end(_))},m={"GET /ping":(h,f)=>t.isReady()&&!u?l(f,200,`
`):l(f,503,new c(503,"the model is not ready").body()),"GET /health":(h,f)=>m["GET /ping"](h,f),"GET /version":(h,f)=>l(f,200,JSON.stringify({server:"mlci",version:ze,loader:r.loader,runtime:r.runtime,...e.mlflowVersion?{mlflow_version:e.mlflowVersion}:{},...n.versionInfo})),"GET /metrics":(h,f)=>{let _=t.stats(),w=i.render({mlci_model_ready:{help:"1 while /ping answers 200.",value:t.isReady()?1:0},mlci_worker_restarts_total:{help:"Python workers restarted after a crash or timeout (a counter, reported as a gauge of the running total).",value:_.restarts},mlci_queue_depth:{help:"Requests waiting for a free worker.",value:_.queued},mlci_workers_busy:{help:"Workers running a prediction.",value:_.busy},mlci_workers_ready:{help:"Workers with the model loaded.",value:_.workers},mlci_in_flight_requests:{help:"HTTP requests being handled.",value:d},process_resident_memory_bytes:{help:"Resident memory of the server process (not its workers).",value:process.memoryUsage.rss()}});l(f,200,w,"text/plain; version=0.0.4; charset=utf-8")},"POST /invocations":async(h,f)=>{let _=await Ze(h,s),w;try{w=Q(oe(_,h.headers["content-type"],e.signature),e.signature)}catch(v){throw v instanceof c&&i.error("validation"),v}if((w.kind==="table"?w.rows.length:w.data.length)===0)return l(f,200,JSON.stringify({predictions:[]}));let T;try{T=await t.predict(w)}catch(v){throw v instanceof k?(i.error(v.reason),new c(Qe[v.reason],v.message,v.reason==="bad_input"?"BAD_REQUEST":v.reason==="timeout"||v.reason==="busy"||v.reason==="crash"||v.reason==="unavailable"?"TEMPORARILY_UNAVAILABLE":"INTERNAL_ERROR")):v}i.predictions(T),l(f,200,JSON.stringify({predictions:T}))}},p=Xe({requestTimeout:n.requestTimeoutMs??3e4,headersTimeout:Math.min(n.requestTimeoutMs??3e4,6e4)},(h,f)=>{let _=process.hrtime.bigint(),w=(h.url??"/").split("?")[0],A=`${h.method} ${w}`,T=m[A]?w:"other";d++,f.once("close",()=>{d--;let y=Number(process.hrtime.bigint()-_)/1e9;i.request(T,f.statusCode,y),f.statusCode>=400&&o.info(`${h.method} ${w} ${f.statusCode} ${(y*1e3).toFixed(1)} ms`)});let v=m[A];if(!v){let y=Object.keys(m).find(ge=>ge.endsWith(` ${w}`));return l(f,y?405:404,new c(y?405:404,y?`${w} takes ${y.split(" ")[0]}`:`no route ${w}; the server answers POST /invocations, GET /ping, /health, /version, /metrics`,y?"BAD_REQUEST":"ENDPOINT_NOT_FOUND").body())}Promise.resolve().then(()=>v(h,f)).catch(y=>{if(y instanceof c)return y.status===413&&f.setHeader("connection","close"),l(f,y.status,y.body());o.error(`internal error on ${A}: ${y?.stack??y}`),l(f,500,new c(500,`internal error in mlci serve: ${y?.message??y}`).body())})});await new Promise((h,f)=>{p.once("error",f),p.listen(n.port??8080,n.host??"127.0.0.1",()=>h())});let g=p.address(),x=n.host??"127.0.0.1",S=null;return{url:`http://${x.includes(":")?`[${x}]`:x}:${g.port}`,host:x,port:g.port,metrics:i,close(){return S??=(async()=>{u=!0;let h=new Promise(_=>p.close(()=>_()));p.closeIdleConnections();let f=setTimeout(()=>p.closeAllConnections(),n.shutdownGraceMs??1e4);await h,clearTimeout(f),await t.close()})(),S}}}var Qe={bad_input:400,model:500,timeout:504,crash:503,busy:503,unavailable:503};function Ze(n,e){let t=Number(n.headers["content-length"]);return Number.isFinite(t)&&t>e?(n.resume(),Promise.reject(new c(413,`the request body is ${t} bytes; the limit is ${e} (--max-body)`))):new Promise((r,o)=>{let s=[],a=0;n.on("data",i=>{a+=i.length,a>e?(n.removeAllListeners("data"),n.resume(),o(new c(413,`the request body passed ${e} bytes (--max-body)`))):s.push(i)}),n.on("end",()=>r(Buffer.concat(s))),n.on("error",o)})}function et(n,e={}){return n.runtime==="onnx"?new B(n):new q(n,e)}async function me(n,e={}){let t=await ce(n,e.resolvers);try{let r=await re(t.dir,{loader:e.loader}),o=et(r,{...e,logger:e.logger}),s=await o.start(),a=await ue({...e,model:r,predictor:o,info:s,versionInfo:{model:t.ref,...t.version?{model_version:t.version}:{}}}).catch(async i=>{throw await o.close(),i});return{server:a,model:r,info:s,resolved:t,async close(){await a.close(),await t.cleanup?.()}}}catch(r){throw await t.cleanup?.(),r}}var rt=`
mlci serve: serve a model over HTTP with MLflow's scoring protocol

usage:
  mlci serve PATH|NAME@ALIAS|NAME@vX.Y.Z|RUN [--port N] [--host 127.0.0.1] [flags]

PATH is a model directory: an MLflow model (MLmodel + model.pkl/model.skops; sklearn runs in a Python worker,
other flavors through mlflow.pyfunc), a directory with predict.py defining predict(records) -> list, or a
directory with one .onnx file (run in-process by onnxruntime-node). NAME@ALIAS and NAME@vX.Y.Z come from the
registry (mlci models), RUN from the project's runs (its model/ artifacts).

endpoints: POST /invocations (JSON dataframe_split, dataframe_records, instances, inputs; text/csv),
           GET /ping, /health, /version, /metrics (Prometheus)

flags:
  --port N            port to listen on; 0 picks a free one (default 8080)
  --host H            interface (default 127.0.0.1; 0.0.0.0 inside a container)
  --workers N         Python worker processes (default 1)
  --loader L          force sklearn, pyfunc, predict.py or onnx
  --python PATH       Python interpreter for the worker (default $MLCI_PYTHON, else python3)
  --max-body BYTES    largest request body (default 10485760); larger ones get 413
  --timeout MS        longest one prediction may take before 504 and a worker restart (default 30000)
  --request-timeout MS  longest a client may take to send a request (default 30000)
  --start-timeout MS  longest the model may take to load (default 120000)
  --project DIR       project whose .mlci/ holds runs and the local registry (default: current directory)
  --json              print {"url", "port", "loader", ...} on stdout once ready (logs stay on stderr)

Stops gracefully on SIGTERM or SIGINT: in-flight requests finish, then the workers exit.
`,nt={port:{type:"string"},host:{type:"string"},workers:{type:"string"},loader:{type:"string"},python:{type:"string"},"max-body":{type:"string"},timeout:{type:"string"},"request-timeout":{type:"string"},"start-timeout":{type:"string"},project:{type:"string"},json:{type:"boolean"}};function ot(n){return async e=>{if(!/^[^@/\\]+@[^@/\\]+$/.test(e))return null;let{openRegistry:t,downloadVersion:r}=await import("./src-6JA6Z6BB.js"),{registry:o}=await t({backend:"local",projectDir:n}),s=await pe(E(he(),"mlci-serve-")),a=()=>fe(s,{recursive:!0,force:!0});try{let i=await r(o,e,E(s,"version"));return{dir:it(i.files.map(u=>u.path),i.to),ref:e,source:"registry",version:i.version,cleanup:a}}catch(i){throw await a(),i}}}function st(n){return async e=>{let{projectStore:t}=await import("./src-D5NY7OIG.js"),r=t(n),o=await r.getRun(e).catch(i=>{if(i instanceof M&&i.kind==="input")return null;throw i});if(!o)return null;let s=o.artifacts.filter(i=>i.path.startsWith("model/"));if(!s.length)throw D(`run ${o.id} has no model artifacts under model/`,'log the model with mlflow.<flavor>.log_model(..., name="model")');let a=await pe(E(he(),"mlci-serve-"));for(let i of s)await tt(ye(E(a,i.path)),{recursive:!0}),await r.restoreBlob(i.sha256,E(a,i.path));return{dir:E(a,"model"),ref:e,source:"run",version:o.id,cleanup:()=>fe(a,{recursive:!0,force:!0})}}}function it(n,e){let t=n.find(r=>/(^|\/)(MLmodel|predict\.py)$/.test(r))??n.find(r=>r.endsWith(".onnx"));return t?E(e,ye(t)):e}var yr={summary:"serve a model over HTTP (MLflow scoring protocol, /metrics)",usage:rt,async run(n){let{values:e,positionals:t}=X("serve",n,nt);if(t.length!==1)throw D(`mlci serve takes one model (a directory, NAME@ALIAS or a run id), got ${t.length}`,"run `mlci serve --help`");let r=e.project??process.cwd(),o=await me(t[0],{host:e.host??"127.0.0.1",port:P("port",e.port,8080,{min:0,max:65535}),workers:P("workers",e.workers,1,{min:1,max:32}),loader:e.loader,python:e.python,maxBodyBytes:P("max-body",e["max-body"],10*1024*1024,{min:1}),workerTimeoutMs:P("timeout",e.timeout,3e4,{min:1}),requestTimeoutMs:P("request-timeout",e["request-timeout"],3e4,{min:1}),startTimeoutMs:P("start-timeout",e["start-timeout"],12e4,{min:1}),logger:R,resolvers:[ot(r),st(r)]}),{server:s,info:a,model:i}=o,d={url:s.url,port:s.port,host:s.host,loader:a.loader,runtime:a.runtime,model:i.dir,ref:o.resolved.ref,version:o.resolved.version??null};return e.json&&z(d),R.info(`${W.green("serving")} ${o.resolved.ref} (${a.loader}, ${a.runtime}) at ${s.url}/invocations`),await new Promise(u=>{let l=g=>{R.info(`${g}: finishing in-flight requests, then stopping`),process.off("SIGTERM",m).off("SIGINT",p),o.close().then(u,x=>{R.error(`error while stopping: ${x.message}`),u()})},m=()=>l("SIGTERM"),p=()=>l("SIGINT");process.on("SIGTERM",m).on("SIGINT",p)}),H.pass}};export{yr as command};
