import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as g}from"./chunk-C74FYDGI.js";import{a as v,b as k}from"./chunk-EIKAGHCI.js";import{i as y,j as t}from"./chunk-P5EUATTR.js";import{b as l,d as c,h,j as f,k as i}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var N=`
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
  --workers N         Python worker processes, pinned one per core when 2 or more (default 1)
  --runtime R         where an sklearn model runs: auto (ONNX in-process when skl2onnx converts it and its
                      predictions match sklearn's on the input example, else Python), onnx, python (default auto)
  --loader L          force sklearn, pyfunc, predict.py or onnx
  --python PATH       Python interpreter for the worker (default $MLCI_PYTHON, else python3)
  --max-body BYTES    largest request body (default 10485760); larger ones get 413
  --timeout MS        longest one prediction may take before 504 and a worker restart (default 30000)
  --request-timeout MS  longest a client may take to send a request (default 30000)
  --headers-timeout MS  longest a client may take to send the request headers (default 10000)
  --keep-alive-timeout MS  how long an idle keep-alive connection stays open (default 5000)
  --idle-timeout MS   a connection with no traffic either way is closed (default: --timeout + 10000)
  --start-timeout MS  longest the model may take to load (default 120000)
  --project DIR       project whose .mlci/ holds runs and the local registry (default: current directory)
  --json              print {"url", "port", "loader", ...} on stdout once ready (logs stay on stderr)

The port is bound before the model loads (/ping answers 503 until it is ready): a port in use fails at once.
Stops gracefully on SIGTERM or SIGINT: in-flight requests finish, then the workers exit.
`,A={port:{type:"string"},host:{type:"string"},workers:{type:"string"},runtime:{type:"string"},loader:{type:"string"},python:{type:"string"},"max-body":{type:"string"},timeout:{type:"string"},"request-timeout":{type:"string"},"headers-timeout":{type:"string"},"keep-alive-timeout":{type:"string"},"idle-timeout":{type:"string"},"start-timeout":{type:"string"},project:{type:"string"},json:{type:"boolean"}},$={summary:"serve a model over HTTP (MLflow scoring protocol, /metrics)",usage:N,async run(w){let{values:e,positionals:a}=y("serve",w,A);if(a.length!==1)throw l(`mlci serve takes one model (a directory, NAME@ALIAS or a run id), got ${a.length}`,"run `mlci serve --help`");let T=e.project??process.cwd(),r=e.runtime??"auto";if(r!=="auto"&&r!=="onnx"&&r!=="python")throw l(`--runtime takes auto, onnx or python, got ${JSON.stringify(r)}`,"run `mlci serve --help`");let s=await v(a[0],{host:e.host??"127.0.0.1",port:t("port",e.port,8080,{min:0,max:65535}),workers:t("workers",e.workers,1,{min:1,max:32}),loader:e.loader,runtime:r,python:e.python,maxBodyBytes:t("max-body",e["max-body"],10*1024*1024,{min:1}),workerTimeoutMs:t("timeout",e.timeout,3e4,{min:1}),requestTimeoutMs:t("request-timeout",e["request-timeout"],3e4,{min:1}),headersTimeoutMs:t("headers-timeout",e["headers-timeout"],1e4,{min:1}),keepAliveTimeoutMs:t("keep-alive-timeout",e["keep-alive-timeout"],5e3,{min:1}),idleTimeoutMs:e["idle-timeout"]===void 0?void 0:t("idle-timeout",e["idle-timeout"],0,{min:1}),startTimeoutMs:t("start-timeout",e["start-timeout"],12e4,{min:1}),logger:i,resolvers:k(T)}),{server:n,info:o,model:M}=s,S={url:n.url,port:n.port,host:n.host,loader:o.loader,runtime:o.runtime,path:o.path,...o.fallback?{fallback:o.fallback}:{},model:M.dir,ref:s.resolved.ref,version:s.resolved.version??null};return e.json&&g(S),process.stderr.write(`${f.green("serving")} ${h(`${s.resolved.ref} (${o.loader}, ${o.path} path, ${o.runtime}) at ${n.url}/invocations`)}
`),await new Promise(m=>{let d=x=>{i.info(`${x}: finishing in-flight requests, then stopping`),process.off("SIGTERM",u).off("SIGINT",p),s.close().then(m,I=>{i.error(`error while stopping: ${I.message}`),m()})},u=()=>d("SIGTERM"),p=()=>d("SIGINT");process.on("SIGTERM",u).on("SIGINT",p)}),c.pass}};export{$ as command};
