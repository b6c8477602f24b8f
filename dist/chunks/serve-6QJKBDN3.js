import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as g}from"./chunk-C74FYDGI.js";import{a as y,b as v}from"./chunk-QL65DH67.js";import{i as h,j as t}from"./chunk-MDTHXPDW.js";import{b as u,d as p,h as c,j as f,k as i}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var N=`
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
  --headers-timeout MS  longest a client may take to send the request headers (default 10000)
  --keep-alive-timeout MS  how long an idle keep-alive connection stays open (default 5000)
  --idle-timeout MS   a connection with no traffic either way is closed (default: --timeout + 10000)
  --start-timeout MS  longest the model may take to load (default 120000)
  --project DIR       project whose .mlci/ holds runs and the local registry (default: current directory)
  --json              print {"url", "port", "loader", ...} on stdout once ready (logs stay on stderr)

The port is bound before the model loads (/ping answers 503 until it is ready): a port in use fails at once.
Stops gracefully on SIGTERM or SIGINT: in-flight requests finish, then the workers exit.
`,A={port:{type:"string"},host:{type:"string"},workers:{type:"string"},loader:{type:"string"},python:{type:"string"},"max-body":{type:"string"},timeout:{type:"string"},"request-timeout":{type:"string"},"headers-timeout":{type:"string"},"keep-alive-timeout":{type:"string"},"idle-timeout":{type:"string"},"start-timeout":{type:"string"},project:{type:"string"},json:{type:"boolean"}},b={summary:"serve a model over HTTP (MLflow scoring protocol, /metrics)",usage:N,async run(w){let{values:e,positionals:n}=h("serve",w,A);if(n.length!==1)throw u(`mlci serve takes one model (a directory, NAME@ALIAS or a run id), got ${n.length}`,"run `mlci serve --help`");let T=e.project??process.cwd(),o=await y(n[0],{host:e.host??"127.0.0.1",port:t("port",e.port,8080,{min:0,max:65535}),workers:t("workers",e.workers,1,{min:1,max:32}),loader:e.loader,python:e.python,maxBodyBytes:t("max-body",e["max-body"],10*1024*1024,{min:1}),workerTimeoutMs:t("timeout",e.timeout,3e4,{min:1}),requestTimeoutMs:t("request-timeout",e["request-timeout"],3e4,{min:1}),headersTimeoutMs:t("headers-timeout",e["headers-timeout"],1e4,{min:1}),keepAliveTimeoutMs:t("keep-alive-timeout",e["keep-alive-timeout"],5e3,{min:1}),idleTimeoutMs:e["idle-timeout"]===void 0?void 0:t("idle-timeout",e["idle-timeout"],0,{min:1}),startTimeoutMs:t("start-timeout",e["start-timeout"],12e4,{min:1}),logger:i,resolvers:v(T)}),{server:r,info:s,model:k}=o,M={url:r.url,port:r.port,host:r.host,loader:s.loader,runtime:s.runtime,model:k.dir,ref:o.resolved.ref,version:o.resolved.version??null};return e.json&&g(M),process.stderr.write(`${f.green("serving")} ${c(`${o.resolved.ref} (${s.loader}, ${s.runtime}) at ${r.url}/invocations`)}
`),await new Promise(a=>{let l=S=>{i.info(`${S}: finishing in-flight requests, then stopping`),process.off("SIGTERM",d).off("SIGINT",m),o.close().then(a,I=>{i.error(`error while stopping: ${I.message}`),a()})},d=()=>l("SIGTERM"),m=()=>l("SIGINT");process.on("SIGTERM",d).on("SIGINT",m)}),p.pass}};export{b as command};
