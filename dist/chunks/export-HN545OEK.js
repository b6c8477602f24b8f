import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as m}from"./chunk-C74FYDGI.js";import{a as c}from"./chunk-XNR3JNJM.js";import{a as p}from"./chunk-4AQHIVU5.js";import"./chunk-RUQECBMY.js";import{e as u}from"./chunk-HUIVBJ3T.js";import{b as r,l as o,o as n}from"./chunk-5Q7J6P6K.js";import"./chunk-3LHRBKTG.js";var h={summary:"write a run into an MLflow tracking server",usage:`
usage: mlci export RUN --to http://HOST:PORT [--experiment NAME] [--no-artifacts] [--json]

Creates the run on the MLflow server over its REST API: params, full metric histories, tags, status and
times, and its artifacts (uploaded through the server's mlflow-artifacts routes).
`,async run(f){let{values:e,positionals:a}=n("export",f,{to:{type:"string"},experiment:{type:"string"},"no-artifacts":{type:"boolean"},json:{type:"boolean"}});if(a.length!==1)throw r("mlci export takes one RUN");if(!e.to)throw r("--to is required","e.g. --to http://127.0.0.1:5000");let s=u(await p()),i=await s.getRun(a[0]),t=await c(i,{to:e.to,store:s,experiment:e.experiment,artifacts:!e["no-artifacts"],logger:o});return e.json?m(t):o.info(`exported run ${i.id} as MLflow run ${t.mlflowRunId} (experiment ${t.experimentId}): ${t.params} params, ${t.metricValues} metric values, ${t.artifacts} artifacts`),0}};export{h as command};
