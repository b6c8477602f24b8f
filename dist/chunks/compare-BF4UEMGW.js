import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as g}from"./chunk-C74FYDGI.js";import{n as b}from"./chunk-BVK4E3RT.js";import{a as k,b as L,c as h,d as S,i as I,j as N,o as F,p as j}from"./chunk-3H6WXDJJ.js";import{w as E,y as R}from"./chunk-5LBXIDBD.js";import"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import{c as y}from"./chunk-4Q524NXR.js";import"./chunk-OXN7KV7T.js";import{b as f,i as w}from"./chunk-P5EUATTR.js";import{b as n,c as d,g as p}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";import{readFile as J,stat as P}from"node:fs/promises";async function l(i){return J(i,"utf8").catch(e=>{throw p(i,e)})}async function O(i){let e;try{e=JSON.parse(await l(i))}catch(r){throw r.kind?r:d("not a run record (invalid JSON)",{file:i})}let t=e;if(!t||typeof t.id!="string"||!t.metrics||typeof t.metrics!="object")throw d("not a run record: expected `id` and `metrics`",{file:i,hint:"write one with `mlci show RUN --json`"});for(let[r,a]of Object.entries(t.metrics))if(!Array.isArray(a)||a.some(s=>!s||typeof s!="object"))throw d(`not a run record: metric "${r.slice(0,80)}" is not a list of points`,{file:i,hint:"write one with `mlci show RUN --json`"});return{...y(t),name:typeof t.name=="string"?t.name:t.id}}var K={summary:"compare a run with a baseline: metric deltas, noise, verdicts (exit 1 on a gated regression)",usage:`
usage: mlci compare RUN [RUN...] [--baseline RUN|main|champion] [--metric KEY:higher|lower[:THRESHOLD]]...
                    [--thresholds FILE] [--markdown FILE] [--json]

RUN is a run id, a unique prefix or name, or \`latest\`. Several RUNs are a sweep: they are ranked by
--primary (default: the first declared metric) and the best is compared.
  --baseline REF         a run, \`main\` (newest finished run on the default branch) or \`champion\`
                         (the registry champion of --model); none: metrics are shown alone
  --model NAME           model name for --baseline champion
  --registry auto|local|github  where the champion and main's runs are looked up (github: GITHUB_REPOSITORY,
                         GITHUB_TOKEN, GITHUB_API_URL); default auto: github inside a GitHub Actions job
  --metric SPEC          declare (and gate) a metric: KEY:higher|lower[:THRESHOLD]; repeatable
  --thresholds FILE      YAML of MLflow-style thresholds per metric:
                           accuracy: {threshold: 0.9, min_absolute_change: 0.01}
                           val_loss: lower
  --primary KEY          metric a sweep is ranked by
  --candidate-file FILE  read the candidate run record from a JSON file instead of the store
  --baseline-file FILE   read the baseline run record from a JSON file
  --predictions FILE     candidate's per-example predictions (CSV or JSONL: id,y_true,y_pred); default:
  --baseline-predictions FILE  the runs' predictions.csv / predictions.jsonl artifacts
  --markdown FILE        write the PR comment body (Markdown) to FILE
  --json                 print the comparison as JSON on stdout (metrics: key, baseline, candidate,
                         delta, relativeDelta, verdict, ...)
Exit 0 when no declared (gated) metric regressed, 1 when one did or went missing, 2 on bad input.
`,async run(i){let{values:e,positionals:t}=w("compare",i,{baseline:{type:"string"},registry:{type:"string"},model:{type:"string"},metric:{type:"string",multiple:!0},thresholds:{type:"string"},primary:{type:"string"},"candidate-file":{type:"string"},"baseline-file":{type:"string"},predictions:{type:"string"},"baseline-predictions":{type:"string"},markdown:{type:"string"},json:{type:"boolean"}});if(e["candidate-file"]&&t.length)throw n("give either RUN or --candidate-file, not both");if(!e["candidate-file"]&&!t.length)throw n("name the run to compare","e.g. `mlci compare latest --baseline main`");if(e.baseline&&e["baseline-file"])throw n("give either --baseline or --baseline-file, not both");if(e.markdown&&(await P(e.markdown).catch(()=>null))?.isDirectory())throw p(e.markdown,Object.assign(new Error("EISDIR"),{code:"EISDIR"}),"write");let o=e.thresholds?L(await l(e.thresholds),e.thresholds):{};for(let m of e.metric??[]){let[u,H]=k(m);o[u]={...o[u],...H}}let r=e.registry??"auto";if(r!=="local"&&r!=="github"&&r!=="auto")throw n(`--registry must be auto, github or local, got "${r}"`);let a=t.length>0||e.baseline!==void 0&&!e["baseline-file"],{store:s,registry:U}=await R({projectDir:a?await b():process.cwd(),store:r,registry:r}),v=e["candidate-file"]?[await O(e["candidate-file"])]:t,T=e["baseline-file"]?await O(e["baseline-file"]):e.baseline??null,_={...e.predictions?{candidate:h(await l(e.predictions),e.predictions)}:{},...e["baseline-predictions"]?{baseline:h(await l(e["baseline-predictions"]),e["baseline-predictions"])}:{}},D=m=>E(U,m),c=await F({store:s,candidates:v,baseline:T,model:e.model,champion:D,metrics:o,primary:e.primary,predictions:_,strictBaseline:!0});return e.markdown&&await f(e.markdown,N([I(S(c))]).body),e.json?g(c):process.stdout.write(j(c)+`
`),c.outcome==="fail"?1:0}};export{K as command};
