import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as G}from"./chunk-C74FYDGI.js";import{a as c,b as U,c as H,d as Y,e as W}from"./chunk-KPCZFBZX.js";import"./chunk-RUQECBMY.js";import{h as J,i as T}from"./chunk-XYP3573G.js";import{a as P,b as B,d as C,h as D,i as S,j as F}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";var v=class extends Error{constructor(t,r){super(r);this.reason=t;this.name="PredictError"}reason};var A=["dataframe_split","dataframe_records","instances","inputs"],V=["application/json","text/csv"];function X(o,e,t){let[r,...n]=(e??"").split(";").map(i=>i.trim().toLowerCase());for(let i of n){let[a,u]=i.split("=").map(h=>h.trim());if(a!=="charset")throw new c(415,`Unrecognized content type parameters: ${a}`);if(u.replace(/"/g,"")!=="utf-8")throw new c(415,"The scoring server only supports UTF-8")}if(!V.includes(r))throw new c(415,`This predictor only supports the following content types: ${V.join(", ")}. Got '${e??""}'.`);let s=oe(o);return r==="text/csv"?le(s,t):se(s,t)}function oe(o){try{return new TextDecoder("utf-8",{fatal:!0}).decode(o)}catch{throw new c(400,"Ensure that input is a valid UTF-8 encoded string")}}function se(o,e){let t;try{t=JSON.parse(o)}catch(i){throw new c(400,`Ensure that input is a valid JSON formatted string. Error: ${i.message}`)}if(!t||typeof t!="object"||Array.isArray(t))throw new c(400,`The input must be a JSON dictionary with exactly one of the input fields {${A.map(i=>`'${i}'`).join(", ")}}. Received ${Array.isArray(t)?"a list":typeof t}.`);let r=Object.keys(t).filter(i=>A.includes(i));if(r.length!==1)throw new c(400,`The input must be a JSON dictionary with exactly one of the input fields {${A.map(i=>`'${i}'`).join(", ")}}. Received dictionary with input fields: [${Object.keys(t).map(i=>`'${i}'`).join(", ")}].`);let n=r[0],s=t[n];switch(n){case"dataframe_split":return ie(s,e);case"dataframe_records":if(!Array.isArray(s)||!s.every(E))throw new c(400,"dataframe_records must be a list of objects, one per row");return z(s);default:return ae(n,s)}}function ie(o,e){if(!E(o)||!Array.isArray(o.data))throw new c(400,'dataframe_split must be an object with "data" (a list of rows) and usually "columns"');let t=o.data,r=t.findIndex(i=>!Array.isArray(i));if(r>=0)throw new c(400,`dataframe_split.data[${r}] is not a list of values`);let n;if(o.columns===void 0){let i=t.length?t[0].length:0;n=e?.kind==="columns"&&e.columns.length===i?e.columns.map(a=>a.name):Array.from({length:i},(a,u)=>String(u))}else if(Array.isArray(o.columns))n=o.columns.map(String);else throw new c(400,"dataframe_split.columns must be a list of column names");let s=t.findIndex(i=>i.length!==n.length);if(s>=0)throw new c(400,`dataframe_split.data[${s}] has ${t[s].length} values for ${n.length} columns`);return{kind:"table",columns:n,rows:t}}function z(o){let e=[],t=new Set;for(let r of o)for(let n of Object.keys(r))t.has(n)||(t.add(n),e.push(n));return{kind:"table",columns:e,rows:o.map(r=>e.map(n=>n in r?r[n]:null))}}function ae(o,e){if(Array.isArray(e))return e.length&&e.every(E)?z(e):{kind:"tensor",data:e};if(E(e)){let t=Object.keys(e),r=t.map(s=>Array.isArray(e[s])?e[s]:[e[s]]),n=r[0]?.length??0;if(r.some(s=>s.length!==n))throw new c(400,`${o}: every column must hold the same number of values`);return{kind:"table",columns:t,rows:Array.from({length:n},(s,i)=>r.map(a=>a[i]))}}throw new c(400,`${o} must be a list (rows or an array) or an object of column -> values`)}function le(o,e){let t=de(o);if(t.length===0)throw new c(400,"Failed to parse input as a CSV table: the body is empty (a header row is required)");let[r,...n]=t,s=new Map(e?.kind==="columns"?e.columns.map(a=>[a.name,a.type]):[]),i=n.map((a,u)=>{if(a.length!==r.length)throw new c(400,`CSV row ${u+2} has ${a.length} fields; the header has ${r.length}`);return a.map((h,l)=>ce(h,s.get(r[l])))});return{kind:"table",columns:r,rows:i}}function ce(o,e){if(e==="string"||e==="binary"||e==="datetime")return o;if(o==="")return null;if(e==="boolean")return o==="True"||o==="true"?!0:o==="False"||o==="false"?!1:o;let t=Number(o);return e?Number.isNaN(t)&&!/^nan$/i.test(o)?o:t:o.trim()!==""&&!Number.isNaN(t)?t:o}function de(o){let e=[],t=[],r="",n=!1;for(let s=0;s<o.length;s++){let i=o[s];n?i==='"'&&o[s+1]==='"'?(r+='"',s++):i==='"'?n=!1:r+=i:i==='"'?n=!0:i===","?(t.push(r),r=""):i===`
`||i==="\r"?(i==="\r"&&o[s+1]===`
`&&s++,t.push(r),e.push(t),t=[],r=""):r+=i}if(n)throw new c(400,"Failed to parse input as a CSV table: a quoted field is not closed");return(r!==""||t.length)&&(t.push(r),e.push(t)),e.filter(s=>!(s.length===1&&s[0]===""))}var E=o=>!!o&&typeof o=="object"&&!Array.isArray(o);var ue=[5e-4,.001,.0025,.005,.01,.025,.05,.1,.25,.5,1,2.5,5,10],pe=[-1e6,-1e4,-1e3,-100,-10,-1,-.1,0,.1,1,10,100,1e3,1e4,1e6],K=100,N=class{constructor(e){this.buckets=e;this.counts=new Array(e.length).fill(0)}buckets;counts;sum=0;count=0;observe(e){this.sum+=e,this.count++;let t=this.buckets.findIndex(r=>e<=r);t>=0&&this.counts[t]++}render(e,t){let r=[],n=0;return this.buckets.forEach((s,i)=>{n+=this.counts[i],r.push(`${e}_bucket{${t}${t?",":""}le="${s}"} ${n}`)}),r.push(`${e}_bucket{${t}${t?",":""}le="+Inf"} ${this.count}`),r.push(`${e}_sum${t?`{${t}}`:""} ${this.sum}`,`${e}_count${t?`{${t}}`:""} ${this.count}`),r}},L=o=>o.replace(/\\/g,"\\\\").replace(/"/g,'\\"').replace(/\n/g,"\\n"),R=class{constructor(e){this.classifier=e}classifier;requests=new Map;latency=new Map;errors=new Map;classes=new Map;values=new N(pe);rows=0;request(e,t,r){let n=`route="${e}",status="${t}"`;this.requests.set(n,(this.requests.get(n)??0)+1);let s=this.latency.get(e);s||this.latency.set(e,s=new N(ue)),s.observe(r)}error(e){this.errors.set(e,(this.errors.get(e)??0)+1)}predictions(e){this.rows+=e.length;let t=this.classifier();for(let r of e)if(!t&&typeof r=="number")this.values.observe(r);else if(typeof r=="string"||typeof r=="number"||typeof r=="boolean"){let n=String(r),s=this.classes.has(n)||this.classes.size<K?n:"__other__";this.classes.set(s,(this.classes.get(s)??0)+1)}}render(e){let t=[],r=(n,s,i)=>t.push(`# HELP ${n} ${i}`,`# TYPE ${n} ${s}`);r("mlci_http_requests_total","counter","HTTP requests by route and status code.");for(let[n,s]of this.requests)t.push(`mlci_http_requests_total{${n}} ${s}`);r("mlci_http_request_duration_seconds","histogram","HTTP request latency by route, from the first byte read to the last byte written.");for(let[n,s]of this.latency)t.push(...s.render("mlci_http_request_duration_seconds",`route="${L(n)}"`));r("mlci_prediction_errors_total","counter","Failed /invocations by reason.");for(let[n,s]of this.errors)t.push(`mlci_prediction_errors_total{reason="${L(n)}"} ${s}`);r("mlci_predicted_rows_total","counter","Rows predicted."),t.push(`mlci_predicted_rows_total ${this.rows}`),r("mlci_predictions_by_class_total","counter",`Predictions per class label (classifiers; at most ${K} labels, then __other__).`);for(let[n,s]of this.classes)t.push(`mlci_predictions_by_class_total{class="${L(n)}"} ${s}`);r("mlci_prediction_value","histogram","Distribution of numeric predictions (regressors)."),t.push(...this.values.render("mlci_prediction_value",""));for(let[n,s]of Object.entries(e))r(n,"gauge",s.help),t.push(`${n} ${s.value}`);return t.join(`
`)+`
`}};import{spawn as me}from"node:child_process";import{createInterface as Z}from"node:readline";var Q=`"""mlci serve's Python worker: loads one model, then answers prediction requests as JSON Lines.

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
`;var j=class{constructor(e,t,r,n,s){this.logger=n;this.child=me(t,["-u","-c",Q,e.dir,e.loader],{stdio:["pipe","pipe","pipe"],env:r}),this.exited=new Promise(a=>this.child.once("exit",u=>a(u)));let i=[];Z({input:this.child.stderr}).on("line",a=>{i.push(a),i.length>20&&i.shift(),n?.info(`[python ${this.child.pid}] ${a}`)}),this.child.stdin.on("error",()=>{}),this.info=new Promise((a,u)=>{this.child.once("error",h=>u(new P("input",`cannot start ${t}: ${h.message}`,{hint:"install Python 3 or point --python / MLCI_PYTHON at it"}))),this.exited.then(h=>u(new P("input",`the Python worker exited (code ${h}) before the model loaded${i.length?`:
  ${i.slice(-8).join(`
  `)}`:""}`))),Z({input:this.child.stdout}).on("line",h=>{let l;try{l=JSON.parse(h)}catch{return n?.warn(`[python ${this.child.pid}] unreadable protocol line: ${h.slice(0,200)}`)}l.ready?(this.ready=!0,a({loader:e.loader,classes:l.classes??null,runtime:`python ${l.python}`,pid:this.child.pid})):typeof l.fatal=="string"?u(new P("input",`the model could not be loaded: ${l.fatal}`,{file:e.dir,hint:"the Python worker log above has the traceback; check the model's requirements are installed"})):s(this,l)})})}logger;child;job=null;ready=!1;info;exited;send(e){this.job=e;let t=e.batch.kind==="table"?{id:e.id,columns:e.batch.columns,rows:e.batch.rows}:{id:e.id,tensor:e.batch.data};this.child.stdin.write(JSON.stringify(t)+`
`)}kill(e="SIGKILL"){this.child.exitCode===null&&this.child.signalCode===null&&this.child.kill(e)}},I=class{constructor(e,t={}){this.model=e;this.options=t;this.python=t.python??process.env.MLCI_PYTHON??"python3",this.size=Math.min(32,Math.max(1,Math.floor(t.workers??1))),this.env={...process.env,PYTHONUNBUFFERED:"1",...t.env}}model;options;workers=[];queue=[];nextId=1;restarts=0;closing=!1;info=null;python;size;env;async start(){let e=Array.from({length:this.size},()=>this.spawnWorker()),t=this.options.startTimeoutMs??12e4,r;try{let n=await Promise.race([Promise.all(e.map(a=>a.info)),new Promise((a,u)=>r=setTimeout(()=>u(new P("input",`the model did not load within ${t} ms`,{hint:"raise --start-timeout for large models"})),t))]),{pid:s,...i}=n[0];return this.info=i,this.dispatch(),i}catch(n){this.closing=!0;for(let s of this.workers)s.kill();throw n}finally{clearTimeout(r)}}isReady(){return!this.closing&&this.workers.some(e=>e.ready)}predict(e){return this.closing?Promise.reject(new v("unavailable","the server is shutting down")):this.queue.length>=(this.options.maxQueue??64)?Promise.reject(new v("busy",`all ${this.size} workers are busy and ${this.queue.length} requests are waiting; retry later`)):new Promise((t,r)=>{this.queue.push({id:this.nextId++,batch:e,resolve:t,reject:r}),this.dispatch()})}stats(){return{restarts:this.restarts,queued:this.queue.length,busy:this.workers.filter(e=>e.job).length,workers:this.workers.filter(e=>e.ready).length}}async close(){this.closing=!0;for(let e of this.queue.splice(0))e.reject(new v("unavailable","the server is shutting down"));await Promise.all(this.workers.map(async e=>{e.child.stdin.end();let t=setTimeout(()=>e.kill("SIGKILL"),3e3);await e.exited,clearTimeout(t)}))}spawnWorker(){let e=new j(this.model,this.python,this.env,this.options.logger,(t,r)=>this.onResult(t,r));return this.workers.push(e),e.info.then(()=>this.dispatch(),()=>{}),e.exited.then(t=>this.onExit(e,t)),e}onResult(e,t){let r=e.job;!r||t.id!==r.id||(clearTimeout(r.timer),e.job=null,Array.isArray(t.predictions)?r.resolve(t.predictions):r.reject(new v(t.bad_input?"bad_input":"model",String(t.error??"the model failed"))),this.dispatch())}onExit(e,t){this.workers.splice(this.workers.indexOf(e),1);let r=e.job;if(r&&(clearTimeout(r.timer),r.reject(new v("crash",`the Python worker died (exit ${t??e.child.signalCode}) during this request; it is being restarted`))),this.closing||!this.info)return;this.restarts++,this.options.logger?.warn(`Python worker ${e.child.pid} exited (${t??e.child.signalCode}); restarting it`);let n=Math.min(5e3,100*2**Math.min(6,this.restarts-1));setTimeout(()=>{this.closing||this.spawnWorker().info.catch(s=>this.options.logger?.error(`Python worker failed to restart: ${s.message}`))},e.ready?0:n).unref()}dispatch(){for(;this.queue.length;){let e=this.workers.find(n=>n.ready&&!n.job&&n.child.exitCode===null);if(!e)return;let t=this.queue.shift(),r=this.options.workerTimeoutMs??3e4;t.timer=setTimeout(()=>{t.reject(new v("timeout",`the model took longer than ${r} ms; its worker was restarted`)),e.kill()},r),e.send(t)}}};import{createRequire as he}from"node:module";import{join as ee}from"node:path";import{pathToFileURL as fe}from"node:url";var q="onnxruntime-node";async function ye(){try{let o=q,e=await import(o).catch(()=>import(fe(he(ee(process.cwd(),"package.json")).resolve(o)).href));return e.InferenceSession?e:e.default}catch(o){throw new P("input",`ONNX models need the ${q} package, which is not installed here (${o.message.split(`
`)[0]})`,{hint:`ONNXRUNTIME_NODE_INSTALL=skip npm install ${q} (the CPU runtime ships inside the package; "skip" avoids its optional GPU download)`})}}var O=class{constructor(e,t={}){this.model=e;this.options=t}model;options;session=null;ort=null;closing=!1;busy=0;async start(){this.ort=await ye();let e=ee(this.model.dir,this.model.onnxFile??"model.onnx");try{this.session=await this.ort.InferenceSession.create(e,{intraOpNumThreads:this.options.threads??1,interOpNumThreads:1})}catch(r){throw new P("input",`onnxruntime cannot load the model: ${r.message}`,{file:e})}let t=this.ort.env?.versions;return{loader:"onnx",classes:null,runtime:`onnxruntime-node ${t?.node??t?.common??""}`.trim()}}isReady(){return!!this.session&&!this.closing}async predict(e){if(!this.session||!this.ort||this.closing)throw new v("unavailable","the ONNX session is not open");let t=this.feeds(e);this.busy++;try{let r=this.session.outputNames[0],n=await this.session.run(t,[r]);return we(n[r])}catch(r){throw r instanceof c?r:new v("bad_input",`onnxruntime rejected the input: ${r.message}`)}finally{this.busy--}}stats(){return{restarts:0,queued:0,busy:this.busy,workers:this.session?1:0}}async close(){this.closing=!0,await this.session?.release(),this.session=null}feeds(e){let t=this.session,r=this.ort,n=Array.isArray(t.inputMetadata)?t.inputMetadata:[],s=l=>n.find(p=>p.name===l)?.type??"float32",i=(l,p,f,_)=>{let k=p.findIndex(x=>l==="string"?typeof x!="string":typeof x!="number"&&typeof x!="boolean");if(k>=0)throw new c(400,`${_}: value ${k} (flattened) is ${JSON.stringify(p[k])}; the ONNX input is ${l}`);if(l==="float32")return new r.Tensor("float32",Float32Array.from(p),f);if(l==="float64")return new r.Tensor("float64",Float64Array.from(p),f);if(l==="int64")return new r.Tensor("int64",BigInt64Array.from(p.map(x=>BigInt(Math.trunc(x)))),f);if(l==="int32")return new r.Tensor("int32",Int32Array.from(p),f);if(l==="string")return new r.Tensor("string",p,f);throw new c(400,`the ONNX input type ${l} is not supported by mlci serve`)},a=t.inputNames;if(e.kind==="tensor"){let l=ge(e.data);return{[a[0]]:i(s(a[0]),e.data.flat(l.length),l,a[0])}}let u=e.rows.length;if(a.length>1||a.length===1&&e.columns.length===1&&e.columns[0]===a[0]){let l={};for(let p of a){let f=e.columns.indexOf(p);if(f<0)throw new c(400,`missing column '${p}' (the ONNX model's inputs are: ${a.join(", ")})`);l[p]=i(s(p),e.rows.map(_=>_[f]),[u,1],`column '${p}'`)}return l}let h=e.columns.length;return{[a[0]]:i(s(a[0]),e.rows.flat(),[u,h],a[0])}}};function ge(o){let e=[o.length];for(let t=o[0];Array.isArray(t);t=t[0])e.push(t.length);return e}function we(o){let e=Array.from(o.data,n=>typeof n=="bigint"?Number(n):n),t=o.dims.length===2&&o.dims[1]===1?[o.dims[0]]:[...o.dims],r=(n,s)=>{if(s===t.length-1)return e.slice(n,n+t[s]);let i=t.slice(s+1).reduce((a,u)=>a*u,1);return Array.from({length:t[s]},(a,u)=>r(n+u*i,s+1))};return t.length?r(0,0):e}import{createServer as ve}from"node:http";var be="0.1.0",ke="application/json";async function te(o){let{model:e,predictor:t,info:r}=o,n=o.logger??F,s=o.maxBodyBytes??10*1024*1024,i=()=>r.classes!==null,a=new R(i),u=0,h=!1,l=(m,d,b,g=ke)=>{m.headersSent||(m.writeHead(d,{"content-type":g,"content-length":Buffer.byteLength(b),...h?{connection:"close"}:{}}),m.end(b))},p={"GET /ping":(m,d)=>t.isReady()&&!h?l(d,200,`
`):l(d,503,new c(503,"the model is not ready").body()),"GET /health":(m,d)=>p["GET /ping"](m,d),"GET /version":(m,d)=>l(d,200,JSON.stringify({server:"mlci",version:be,loader:r.loader,runtime:r.runtime,...e.mlflowVersion?{mlflow_version:e.mlflowVersion}:{},...o.versionInfo})),"GET /metrics":(m,d)=>{let b=t.stats(),g=a.render({mlci_model_ready:{help:"1 while /ping answers 200.",value:t.isReady()?1:0},mlci_worker_restarts_total:{help:"Python workers restarted after a crash or timeout (a counter, reported as a gauge of the running total).",value:b.restarts},mlci_queue_depth:{help:"Requests waiting for a free worker.",value:b.queued},mlci_workers_busy:{help:"Workers running a prediction.",value:b.busy},mlci_workers_ready:{help:"Workers with the model loaded.",value:b.workers},mlci_in_flight_requests:{help:"HTTP requests being handled.",value:u},process_resident_memory_bytes:{help:"Resident memory of the server process (not its workers).",value:process.memoryUsage.rss()}});l(d,200,g,"text/plain; version=0.0.4; charset=utf-8")},"POST /invocations":async(m,d)=>{let b=await xe(m,s),g;try{g=U(X(b,m.headers["content-type"],e.signature),e.signature)}catch(w){throw w instanceof c&&a.error("validation"),w}if((g.kind==="table"?g.rows.length:g.data.length)===0)return l(d,200,JSON.stringify({predictions:[]}));let $;try{$=await t.predict(g)}catch(w){throw w instanceof v?(a.error(w.reason),new c(_e[w.reason],w.message,w.reason==="bad_input"?"BAD_REQUEST":w.reason==="timeout"||w.reason==="busy"||w.reason==="crash"||w.reason==="unavailable"?"TEMPORARILY_UNAVAILABLE":"INTERNAL_ERROR")):w}a.predictions($),l(d,200,JSON.stringify({predictions:$}))}},f=ve({requestTimeout:o.requestTimeoutMs??3e4,headersTimeout:Math.min(o.requestTimeoutMs??3e4,6e4)},(m,d)=>{let b=process.hrtime.bigint(),g=(m.url??"/").split("?")[0],M=`${m.method} ${g}`,$=p[M]?g:"other";u++,d.once("close",()=>{u--;let y=Number(process.hrtime.bigint()-b)/1e9;a.request($,d.statusCode,y),d.statusCode>=400&&n.info(`${m.method} ${g} ${d.statusCode} ${(y*1e3).toFixed(1)} ms`)});let w=p[M];if(!w){let y=Object.keys(p).find(ne=>ne.endsWith(` ${g}`));return l(d,y?405:404,new c(y?405:404,y?`${g} takes ${y.split(" ")[0]}`:`no route ${g}; the server answers POST /invocations, GET /ping, /health, /version, /metrics`,y?"BAD_REQUEST":"ENDPOINT_NOT_FOUND").body())}Promise.resolve().then(()=>w(m,d)).catch(y=>{if(y instanceof c)return y.status===413&&d.setHeader("connection","close"),l(d,y.status,y.body());n.error(`internal error on ${M}: ${y?.stack??y}`),l(d,500,new c(500,`internal error in mlci serve: ${y?.message??y}`).body())})});await new Promise((m,d)=>{f.once("error",d),f.listen(o.port??8080,o.host??"127.0.0.1",()=>m())});let _=f.address(),k=o.host??"127.0.0.1",x=null;return{url:`http://${k.includes(":")?`[${k}]`:k}:${_.port}`,host:k,port:_.port,metrics:a,close(){return x??=(async()=>{h=!0;let m=new Promise(b=>f.close(()=>b()));f.closeIdleConnections();let d=setTimeout(()=>f.closeAllConnections(),o.shutdownGraceMs??1e4);await m,clearTimeout(d),await t.close()})(),x}}}var _e={bad_input:400,model:500,timeout:504,crash:503,busy:503,unavailable:503};function xe(o,e){let t=Number(o.headers["content-length"]);return Number.isFinite(t)&&t>e?(o.resume(),Promise.reject(new c(413,`the request body is ${t} bytes; the limit is ${e} (--max-body)`))):new Promise((r,n)=>{let s=[],i=0;o.on("data",a=>{i+=a.length,i>e?(o.removeAllListeners("data"),o.resume(),n(new c(413,`the request body passed ${e} bytes (--max-body)`))):s.push(a)}),o.on("end",()=>r(Buffer.concat(s))),o.on("error",n)})}function Pe(o,e={}){return o.runtime==="onnx"?new O(o):new I(o,e)}async function re(o,e={}){let t=await Y(o,e.resolvers);try{let r=await H(t.dir,{loader:e.loader}),n=Pe(r,{...e,logger:e.logger}),s=await n.start(),i=await te({...e,model:r,predictor:n,info:s,versionInfo:{model:t.ref,...t.version?{model_version:t.version}:{}}}).catch(async a=>{throw await n.close(),a});return{server:i,model:r,info:s,resolved:t,async close(){await i.close(),await t.cleanup?.()}}}catch(r){throw await t.cleanup?.(),r}}var Te=`
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
`,$e={port:{type:"string"},host:{type:"string"},workers:{type:"string"},loader:{type:"string"},python:{type:"string"},"max-body":{type:"string"},timeout:{type:"string"},"request-timeout":{type:"string"},"start-timeout":{type:"string"},project:{type:"string"},json:{type:"boolean"}},$t={summary:"serve a model over HTTP (MLflow scoring protocol, /metrics)",usage:Te,async run(o){let{values:e,positionals:t}=J("serve",o,$e);if(t.length!==1)throw B(`mlci serve takes one model (a directory, NAME@ALIAS or a run id), got ${t.length}`,"run `mlci serve --help`");let r=e.project??process.cwd(),n=await re(t[0],{host:e.host??"127.0.0.1",port:T("port",e.port,8080,{min:0,max:65535}),workers:T("workers",e.workers,1,{min:1,max:32}),loader:e.loader,python:e.python,maxBodyBytes:T("max-body",e["max-body"],10*1024*1024,{min:1}),workerTimeoutMs:T("timeout",e.timeout,3e4,{min:1}),requestTimeoutMs:T("request-timeout",e["request-timeout"],3e4,{min:1}),startTimeoutMs:T("start-timeout",e["start-timeout"],12e4,{min:1}),logger:S,resolvers:W(r)}),{server:s,info:i,model:a}=n,u={url:s.url,port:s.port,host:s.host,loader:i.loader,runtime:i.runtime,model:a.dir,ref:n.resolved.ref,version:n.resolved.version??null};return e.json&&G(u),S.info(`${D.green("serving")} ${n.resolved.ref} (${i.loader}, ${i.runtime}) at ${s.url}/invocations`),await new Promise(h=>{let l=_=>{S.info(`${_}: finishing in-flight requests, then stopping`),process.off("SIGTERM",p).off("SIGINT",f),n.close().then(h,k=>{S.error(`error while stopping: ${k.message}`),h()})},p=()=>l("SIGTERM"),f=()=>l("SIGINT");process.on("SIGTERM",p).on("SIGINT",f)}),C.pass}};export{$t as command};
