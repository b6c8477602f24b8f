import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as g}from"./chunk-C74FYDGI.js";import{a as k}from"./chunk-ODLMY4YA.js";import"./chunk-ZZ3SX65W.js";import"./chunk-FPGRCBJB.js";import{a as y,b,c as h,i as E,k as R,l as S,q as L}from"./chunk-R63JLRWM.js";import{j as m}from"./chunk-GAOVHCRW.js";import"./chunk-RUQECBMY.js";import{e as p}from"./chunk-7YNXF545.js";import{a as u,g as w}from"./chunk-VGFHQN5J.js";import{b as o,c as l,f}from"./chunk-RNEIOGTY.js";import"./chunk-3LHRBKTG.js";import{readFile as x}from"node:fs/promises";async function s(t){return x(t,"utf8").catch(e=>{throw f(t,e)})}async function F(t){let e;try{e=JSON.parse(await s(t))}catch(i){throw i.kind?i:l("not a run record (invalid JSON)",{file:t})}let r=e;if(!r||typeof r.id!="string"||!r.metrics||typeof r.metrics!="object")throw l("not a run record: expected `id` and `metrics`",{file:t,hint:"write one with `mlci show RUN --json`"});return{...r,name:typeof r.name=="string"?r.name:r.id}}var T={summary:"compare a run with a baseline: metric deltas, noise, verdicts (exit 1 on a gated regression)",usage:`
usage: mlci compare RUN [RUN...] [--baseline RUN|main|champion] [--metric KEY:higher|lower[:THRESHOLD]]...
                    [--thresholds FILE] [--markdown FILE] [--json]

RUN is a run id, a unique prefix or name, or \`latest\`. Several RUNs are a sweep: they are ranked by
--primary (default: the first declared metric) and the best is compared.
  --baseline REF         a run, \`main\` (newest finished run on the default branch) or \`champion\`
                         (the registry champion of --model); none: metrics are shown alone
  --model NAME           model name for --baseline champion
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
`,async run(t){let{values:e,positionals:r}=w("compare",t,{baseline:{type:"string"},model:{type:"string"},metric:{type:"string",multiple:!0},thresholds:{type:"string"},primary:{type:"string"},"candidate-file":{type:"string"},"baseline-file":{type:"string"},predictions:{type:"string"},"baseline-predictions":{type:"string"},markdown:{type:"string"},json:{type:"boolean"}});if(e["candidate-file"]&&r.length)throw o("give either RUN or --candidate-file, not both");if(!e["candidate-file"]&&!r.length)throw o("name the run to compare","e.g. `mlci compare latest --baseline main`");if(e.baseline&&e["baseline-file"])throw o("give either --baseline or --baseline-file, not both");let i=e.thresholds?b(await s(e.thresholds),e.thresholds):{};for(let c of e.metric??[]){let[a,d]=y(c);i[a]={...i[a],...d}}let N=r.length>0||e.baseline!==void 0&&!e["baseline-file"]?p(await m()):p(process.cwd()),j=e["candidate-file"]?[await F(e["candidate-file"])]:r,v=e["baseline-file"]?await F(e["baseline-file"]):e.baseline??null,I={...e.predictions?{candidate:h(await s(e.predictions),e.predictions)}:{},...e["baseline-predictions"]?{baseline:h(await s(e["baseline-predictions"]),e["baseline-predictions"])}:{}},J=async c=>{let{openRegistry:a,getChampion:d}=await import("./src-UCHW4I5E.js"),{registry:O}=await a({projectDir:await m()});return d(O,c).catch(()=>null)},n=await L({store:N,candidates:j,baseline:v,model:e.model,champion:J,metrics:i,primary:e.primary,predictions:I});return e.markdown&&await u(e.markdown,S([R(E(n))]).body),e.json?g(n):process.stdout.write(k(n)+`
`),n.outcome==="fail"?1:0}};export{T as command};
