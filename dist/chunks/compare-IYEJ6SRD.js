import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as f}from"./chunk-C74FYDGI.js";import{a as y,b as E,c as m,d as k,f as R,g as S,l as I,m as L}from"./chunk-7FWWRH7W.js";import{j as g}from"./chunk-JFJDXZR2.js";import{u as w,w as b}from"./chunk-NNL3JJLF.js";import"./chunk-5P7WBL2X.js";import"./chunk-T3YVCBMH.js";import"./chunk-F3D6UPPF.js";import"./chunk-Y6LSCVYH.js";import{b as h,i as u}from"./chunk-MDTHXPDW.js";import{b as a,c as d,g as l}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";import{readFile as H,stat as J}from"node:fs/promises";async function s(r){return H(r,"utf8").catch(e=>{throw l(r,e)})}async function F(r){let e;try{e=JSON.parse(await s(r))}catch(i){throw i.kind?i:d("not a run record (invalid JSON)",{file:r})}let t=e;if(!t||typeof t.id!="string"||!t.metrics||typeof t.metrics!="object")throw d("not a run record: expected `id` and `metrics`",{file:r,hint:"write one with `mlci show RUN --json`"});return{...t,name:typeof t.name=="string"?t.name:t.id}}var A={summary:"compare a run with a baseline: metric deltas, noise, verdicts (exit 1 on a gated regression)",usage:`
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
`,async run(r){let{values:e,positionals:t}=u("compare",r,{baseline:{type:"string"},registry:{type:"string"},model:{type:"string"},metric:{type:"string",multiple:!0},thresholds:{type:"string"},primary:{type:"string"},"candidate-file":{type:"string"},"baseline-file":{type:"string"},predictions:{type:"string"},"baseline-predictions":{type:"string"},markdown:{type:"string"},json:{type:"boolean"}});if(e["candidate-file"]&&t.length)throw a("give either RUN or --candidate-file, not both");if(!e["candidate-file"]&&!t.length)throw a("name the run to compare","e.g. `mlci compare latest --baseline main`");if(e.baseline&&e["baseline-file"])throw a("give either --baseline or --baseline-file, not both");if(e.markdown&&(await J(e.markdown).catch(()=>null))?.isDirectory())throw l(e.markdown,Object.assign(new Error("EISDIR"),{code:"EISDIR"}),"write");let i=e.thresholds?E(await s(e.thresholds),e.thresholds):{};for(let c of e.metric??[]){let[p,D]=y(c);i[p]={...i[p],...D}}let n=e.registry??"auto";if(n!=="local"&&n!=="github"&&n!=="auto")throw a(`--registry must be auto, github or local, got "${n}"`);let N=t.length>0||e.baseline!==void 0&&!e["baseline-file"],{store:O,registry:j}=await b({projectDir:N?await g():process.cwd(),store:n,registry:n}),U=e["candidate-file"]?[await F(e["candidate-file"])]:t,v=e["baseline-file"]?await F(e["baseline-file"]):e.baseline??null,T={...e.predictions?{candidate:m(await s(e.predictions),e.predictions)}:{},...e["baseline-predictions"]?{baseline:m(await s(e["baseline-predictions"]),e["baseline-predictions"])}:{}},_=c=>w(j,c),o=await I({store:O,candidates:U,baseline:v,model:e.model,champion:_,metrics:i,primary:e.primary,predictions:T,strictBaseline:!0});return e.markdown&&await h(e.markdown,S([R(k(o))]).body),e.json?f(o):process.stdout.write(L(o)+`
`),o.outcome==="fail"?1:0}};export{A as command};
