import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as y}from"./chunk-C74FYDGI.js";import{a as F}from"./chunk-UMW6HMXR.js";import"./chunk-ZZ3SX65W.js";import"./chunk-FPGRCBJB.js";import{a as b,b as E,c as f,i as R,k,l as S,q as L}from"./chunk-QYWBHTRW.js";import{j as p}from"./chunk-GAOVHCRW.js";import"./chunk-RUQECBMY.js";import{e as h}from"./chunk-7YNXF545.js";import{a as g,g as w}from"./chunk-VGFHQN5J.js";import{b as n,c as m,f as u}from"./chunk-RNEIOGTY.js";import"./chunk-3LHRBKTG.js";import{readFile as _}from"node:fs/promises";async function c(r){return _(r,"utf8").catch(e=>{throw u(r,e)})}async function N(r){let e;try{e=JSON.parse(await c(r))}catch(i){throw i.kind?i:m("not a run record (invalid JSON)",{file:r})}let t=e;if(!t||typeof t.id!="string"||!t.metrics||typeof t.metrics!="object")throw m("not a run record: expected `id` and `metrics`",{file:r,hint:"write one with `mlci show RUN --json`"});return{...t,name:typeof t.name=="string"?t.name:t.id}}var Y={summary:"compare a run with a baseline: metric deltas, noise, verdicts (exit 1 on a gated regression)",usage:`
usage: mlci compare RUN [RUN...] [--baseline RUN|main|champion] [--metric KEY:higher|lower[:THRESHOLD]]...
                    [--thresholds FILE] [--markdown FILE] [--json]

RUN is a run id, a unique prefix or name, or \`latest\`. Several RUNs are a sweep: they are ranked by
--primary (default: the first declared metric) and the best is compared.
  --baseline REF         a run, \`main\` (newest finished run on the default branch) or \`champion\`
                         (the registry champion of --model); none: metrics are shown alone
  --model NAME           model name for --baseline champion
  --registry local|github  where the champion is looked up (github: GITHUB_REPOSITORY, GITHUB_TOKEN,
                         GITHUB_API_URL); default local
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
`,async run(r){let{values:e,positionals:t}=w("compare",r,{baseline:{type:"string"},registry:{type:"string"},model:{type:"string"},metric:{type:"string",multiple:!0},thresholds:{type:"string"},primary:{type:"string"},"candidate-file":{type:"string"},"baseline-file":{type:"string"},predictions:{type:"string"},"baseline-predictions":{type:"string"},markdown:{type:"string"},json:{type:"boolean"}});if(e["candidate-file"]&&t.length)throw n("give either RUN or --candidate-file, not both");if(!e["candidate-file"]&&!t.length)throw n("name the run to compare","e.g. `mlci compare latest --baseline main`");if(e.baseline&&e["baseline-file"])throw n("give either --baseline or --baseline-file, not both");let i=e.thresholds?E(await c(e.thresholds),e.thresholds):{};for(let d of e.metric??[]){let[s,l]=b(d);i[s]={...i[s],...l}}let I=t.length>0||e.baseline!==void 0&&!e["baseline-file"]?h(await p()):h(process.cwd()),O=e["candidate-file"]?[await N(e["candidate-file"])]:t,U=e["baseline-file"]?await N(e["baseline-file"]):e.baseline??null,j={...e.predictions?{candidate:f(await c(e.predictions),e.predictions)}:{},...e["baseline-predictions"]?{baseline:f(await c(e["baseline-predictions"]),e["baseline-predictions"])}:{}},a=e.registry??"local";if(a!=="local"&&a!=="github")throw n(`--registry must be github or local, got "${a}"`);let v=async d=>{let{openRegistry:s,getChampion:l}=await import("./src-UCHW4I5E.js"),{registry:T}=await s({backend:a,projectDir:await p()});return l(T,d).catch(()=>null)},o=await L({store:I,candidates:O,baseline:U,model:e.model,champion:v,metrics:i,primary:e.primary,predictions:j});return e.markdown&&await g(e.markdown,S([k(R(o))]).body),e.json?y(o):process.stdout.write(F(o)+`
`),o.outcome==="fail"?1:0}};export{Y as command};
