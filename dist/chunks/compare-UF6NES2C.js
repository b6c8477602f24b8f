import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as f}from"./chunk-C74FYDGI.js";import{a as F}from"./chunk-Z2EQJQAH.js";import{d as b}from"./chunk-AXAT6BYJ.js";import"./chunk-Y2LPYRWY.js";import{a as w,b as E,c as l,i as R,k,l as L,q as S}from"./chunk-6KTLSEWR.js";import{j as g}from"./chunk-XNFJUFNW.js";import"./chunk-RUQECBMY.js";import{r as y}from"./chunk-RCP4KGGL.js";import"./chunk-JOVRDAF6.js";import"./chunk-ZZYIFROZ.js";import"./chunk-PHC57V4K.js";import{a as h,h as u}from"./chunk-XYP3573G.js";import{b as a,c as d,g as p}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";import{readFile as J}from"node:fs/promises";async function s(r){return J(r,"utf8").catch(e=>{throw p(r,e)})}async function N(r){let e;try{e=JSON.parse(await s(r))}catch(i){throw i.kind?i:d("not a run record (invalid JSON)",{file:r})}let t=e;if(!t||typeof t.id!="string"||!t.metrics||typeof t.metrics!="object")throw d("not a run record: expected `id` and `metrics`",{file:r,hint:"write one with `mlci show RUN --json`"});return{...t,name:typeof t.name=="string"?t.name:t.id}}var D={summary:"compare a run with a baseline: metric deltas, noise, verdicts (exit 1 on a gated regression)",usage:`
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
`,async run(r){let{values:e,positionals:t}=u("compare",r,{baseline:{type:"string"},registry:{type:"string"},model:{type:"string"},metric:{type:"string",multiple:!0},thresholds:{type:"string"},primary:{type:"string"},"candidate-file":{type:"string"},"baseline-file":{type:"string"},predictions:{type:"string"},"baseline-predictions":{type:"string"},markdown:{type:"string"},json:{type:"boolean"}});if(e["candidate-file"]&&t.length)throw a("give either RUN or --candidate-file, not both");if(!e["candidate-file"]&&!t.length)throw a("name the run to compare","e.g. `mlci compare latest --baseline main`");if(e.baseline&&e["baseline-file"])throw a("give either --baseline or --baseline-file, not both");let i=e.thresholds?E(await s(e.thresholds),e.thresholds):{};for(let c of e.metric??[]){let[m,H]=w(c);i[m]={...i[m],...H}}let n=e.registry??"auto";if(n!=="local"&&n!=="github"&&n!=="auto")throw a(`--registry must be auto, github or local, got "${n}"`);let I=t.length>0||e.baseline!==void 0&&!e["baseline-file"],{store:O,registry:U}=await y({projectDir:I?await g():process.cwd(),store:n,registry:n}),j=e["candidate-file"]?[await N(e["candidate-file"])]:t,v=e["baseline-file"]?await N(e["baseline-file"]):e.baseline??null,T={...e.predictions?{candidate:l(await s(e.predictions),e.predictions)}:{},...e["baseline-predictions"]?{baseline:l(await s(e["baseline-predictions"]),e["baseline-predictions"])}:{}},_=c=>b(U,c),o=await S({store:O,candidates:j,baseline:v,model:e.model,champion:_,metrics:i,primary:e.primary,predictions:T,strictBaseline:!0});return e.markdown&&await h(e.markdown,L([k(R(o))]).body),e.json?f(o):process.stdout.write(F(o)+`
`),o.outcome==="fail"?1:0}};export{D as command};
