import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as u}from"./chunk-C74FYDGI.js";import"./chunk-Y2LPYRWY.js";import{r as y,t as h}from"./chunk-XNFJUFNW.js";import"./chunk-RUQECBMY.js";import"./chunk-ZZYIFROZ.js";import"./chunk-PHC57V4K.js";import{h as g,i as f}from"./chunk-XYP3573G.js";import{b as a,i as m}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";var M=`
usage: mlci train [flags] -- COMMAND [ARGS...]
       mlci train --mlproject [DIR] [-e ENTRY] [-P key=value]... [flags]

Runs a training command from the project directory (the git root, or the current directory outside git),
records the run under .mlci/ there and exits with the command's exit code.

Captured with no change to the script: MLflow calls (MLFLOW_TRACKING_URI points at mlci while it runs),
params.yaml and metrics.json (DVC style), JSON Lines appended to $MLCI_METRICS_FILE
({"key": "loss", "value": 0.3, "step": 1}), system metrics, git and data lineage.

flags:
  --data PATH                    an input dataset (repeatable): hashed (SHA-256 and DVC md5) into lineage
  --artifact PATH                an output file or directory to store as run artifacts (repeatable)
  --snapshot                     also store each --data file by hash so \`mlci data get\` can restore it
  --name NAME                    run name
  --experiment NAME              experiment name (also given to the script as MLFLOW_EXPERIMENT_NAME)
  --params-file FILE             DVC-style params file (repeatable; default params.yaml when present)
  --metrics-file FILE            DVC-style metrics file (repeatable; default metrics.json when written)
  --system-metrics-interval S    seconds between system metric samples (default 10; 0 = off)
  --json                         print the run record as JSON on stdout; the command's stdout goes to stderr
  --mlproject [DIR]              run an MLflow Project entry point (DIR defaults to the project directory)
  -e, --entry-point NAME         MLproject entry point (default "main")
  -P, --param key=value          MLproject parameter (repeatable)
`,v={summary:"run a training command and record params, metrics, artifacts and lineage",usage:M,async run(i){let s=i.indexOf("--"),j=s<0?i:i.slice(0,s),o=s<0?[]:i.slice(s+1),{values:t,positionals:n}=g("train",j,{data:{type:"string",multiple:!0},artifact:{type:"string",multiple:!0},snapshot:{type:"boolean"},name:{type:"string"},experiment:{type:"string"},"params-file":{type:"string",multiple:!0},"metrics-file":{type:"string",multiple:!0},"system-metrics-interval":{type:"string"},json:{type:"boolean"},mlproject:{type:"boolean"},"entry-point":{type:"string",short:"e"},param:{type:"string",short:"P",multiple:!0}}),l=o,c={},p={},d;if(t.mlproject){if(n.length>1)throw a(`--mlproject takes one directory, got ${n.join(" ")}`);if(o.length)throw a("give either --mlproject or a command after `--`, not both");let r=await h({dir:n[0],entryPoint:t["entry-point"],params:t.param??[]});l=r.command,d=r.dir,c=r.params,p={"mlflow.project.entryPoint":r.entryPoint,"mlci.mlproject":r.file}}else{if(n.length)throw a(`unexpected argument "${n[0]}" before \`--\``,"put the command after `--`: mlci train -- python train.py");if(t["entry-point"]||t.param)throw a("-e and -P go with --mlproject");if(!o.length)throw a("no command to run","put the command after `--`: mlci train -- python train.py")}let{record:e,exitCode:w}=await y({command:l,cwd:d,data:t.data,artifacts:t.artifact,snapshot:t.snapshot,name:t.name,experiment:t.experiment,paramsFiles:t["params-file"],metricsFiles:t["metrics-file"],systemMetricsInterval:f("system-metrics-interval",t["system-metrics-interval"],10,{min:0,max:3600}),params:c,tags:p,stdout:t.json?"stderr":"inherit",logger:m});return t.json?u(e):m.info(`run ${e.id} ${e.status} (exit ${e.exitCode??e.tags["mlci.signal"]}): ${Object.keys(e.metrics).filter(r=>!r.startsWith("system/")).length} metrics, ${Object.keys(e.params).length} params, ${e.artifacts.length} artifacts`),w}};export{v as command};
