import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as l}from"./chunk-C74FYDGI.js";import{C as E,D as I,F as L,I as b,n as M,w as R}from"./chunk-BVK4E3RT.js";import{G as A}from"./chunk-5LBXIDBD.js";import{m as j}from"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import{b as c}from"./chunk-4Q524NXR.js";import"./chunk-OXN7KV7T.js";import{i as v,j as w}from"./chunk-P5EUATTR.js";import{b as a,k as s}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var C=`
usage: mlci train [flags] -- COMMAND [ARGS...]
       mlci train --mlproject [DIR] [-e ENTRY] [-P key=value]... [--env-manager M] [flags]

Runs a training command from the project directory (the git root, or the current directory outside git),
records the run under .mlci/ there and exits with the command's exit code (128 + N when signal N
interrupted it: SIGINT, SIGTERM and SIGHUP are passed to the command's whole process group, a third one as
SIGKILL). The command runs as its own process group and ends with mlci: what it leaves running in the
background is stopped when it exits (start a process with setsid to keep it), and the group is killed even
when mlci itself is killed. Inputs are checked before the command starts; if mlci cannot capture what the
command wrote (a malformed metrics.json, a full disk), the run is recorded FAILED with the reason and mlci
exits 2.

Captured with no change to the script: MLflow calls (MLFLOW_TRACKING_URI points at mlci while it runs),
params.yaml and metrics.json (DVC style), JSON Lines appended to $MLCI_METRICS_FILE
({"key": "loss", "value": 0.3, "step": 1}), system metrics, git and data lineage.

flags:
  --data PATH                    an input dataset, a file or a folder (repeatable): hashed (SHA-256 and DVC
                                 md5 or .dir md5, from the bytes; a stale PATH.dvc is flagged) into lineage
  --artifact PATH                an output file or directory to store as run artifacts (repeatable)
  --snapshot                     also store each --data file (a folder: each of its files) by hash so
                                 \`mlci data get\` can restore it
  --name NAME                    run name
  --experiment NAME              experiment name (also given to the script as MLFLOW_EXPERIMENT_NAME)
  --select-run SELECTOR          which run the script opens is the run gates, comparisons and promotion use:
                                 first (default: the first top-level run), name=RUN_NAME or tag:KEY=VALUE;
                                 one that matches no run, or several, ends the run FAILED
  --params-file FILE             DVC-style params file (repeatable; default params.yaml when present)
  --metrics-file FILE            DVC-style metrics file (repeatable; default metrics.json when written)
  --system-metrics-interval S    seconds between system metric samples (default 10; 0 = off)
  --json                         print the run record as JSON on stdout; the command's stdout goes to stderr
  --mlproject [DIR]              run an MLflow Project entry point (DIR defaults to the project directory)
  -e, --entry-point NAME         MLproject entry point (default "main")
  -P, --param key=value          MLproject parameter (repeatable)
  --env-manager M                MLproject environment, as \`mlflow run\`: virtualenv (python_env.yaml with
                                 venv + pip), uv, conda (conda.yaml with conda/mamba) or local (the current
                                 environment); default: what the project names (uv for python_env.yaml when
                                 installed). Built once per spec hash, cached in ~/.cache/mlci/envs
                                 ($MLCI_ENV_DIR), and reused
`,$={summary:"run a training command and record params, metrics, artifacts and lineage",usage:C,async run(i){let o=i.indexOf("--"),x=o<0?i:i.slice(0,o),m=o<0?[]:i.slice(o+1),{values:e,positionals:n}=v("train",x,{data:{type:"string",multiple:!0},artifact:{type:"string",multiple:!0},snapshot:{type:"boolean"},name:{type:"string"},experiment:{type:"string"},"select-run":{type:"string"},"params-file":{type:"string",multiple:!0},"metrics-file":{type:"string",multiple:!0},"system-metrics-interval":{type:"string"},json:{type:"boolean"},mlproject:{type:"boolean"},"entry-point":{type:"string",short:"e"},param:{type:"string",short:"P",multiple:!0},"env-manager":{type:"string"}}),p=m,d={},h={},u,g={};if(e.mlproject){if(n.length>1)throw a(`--mlproject takes one directory, got ${n.join(" ")}`);if(m.length)throw a("give either --mlproject or a command after `--`, not both");let t=await L({dir:n[0],entryPoint:e["entry-point"],params:e.param??[]});p=t.command,u=t.dir,d=t.params;let y=await b({environment:t.environment,manager:e["env-manager"],logger:s});g=y.env,h={"mlflow.project.entryPoint":t.entryPoint,"mlci.mlproject":t.file,...y.tags}}else{if(n.length)throw a(`unexpected argument "${n[0]}" before \`--\``,"put the command after `--`: mlci train -- python train.py");if(e["entry-point"]||e.param||e["env-manager"])throw a("-e, -P and --env-manager go with --mlproject");if(!m.length)throw a("no command to run","put the command after `--`: mlci train -- python train.py")}let f;try{f=await I({command:p,cwd:u,data:e.data,artifacts:e.artifact,snapshot:e.snapshot,name:e.name,experiment:e.experiment,selectRun:R(e["select-run"]),paramsFiles:e["params-file"],metricsFiles:e["metrics-file"],systemMetricsInterval:w("system-metrics-interval",e["system-metrics-interval"],10,{min:0,max:3600}),params:d,tags:h,env:g,stdout:e.json?"stderr":"inherit",modelRegistry:A(j(await M()),{logger:s}),logger:s})}catch(t){throw t instanceof E&&e.json&&l(c(t.result.record)),t}let{record:r,exitCode:N}=f;return e.json?l(c(r)):s.info(`run ${r.id} ${r.status} (${r.tags["mlci.signal"]??`exit ${r.exitCode}`}): ${Object.keys(r.metrics).filter(t=>!t.startsWith("system/")).length} metrics, ${Object.keys(r.params).length} params, ${r.artifacts.length} artifacts`),N}};export{$ as command};
