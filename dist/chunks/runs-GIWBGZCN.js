import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as n}from"./chunk-C74FYDGI.js";import"./chunk-Y2LPYRWY.js";import{j as s,z as m}from"./chunk-XNFJUFNW.js";import"./chunk-RUQECBMY.js";import{l as o}from"./chunk-ZZYIFROZ.js";import"./chunk-PHC57V4K.js";import{h as r,i}from"./chunk-XYP3573G.js";import"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";var f={summary:"list recorded runs, newest first",usage:`
usage: mlci runs [--experiment NAME] [--limit N] [--json]

Lists the runs recorded under .mlci/ in the project directory (the git root), newest first.
  --experiment NAME   only runs of this experiment
  --limit N           at most N runs
  --json              print the run records as a JSON array on stdout
`,async run(a){let{values:t}=r("runs",a,{experiment:{type:"string"},limit:{type:"string"},json:{type:"boolean"}},!1),p=t.limit===void 0?void 0:i("limit",t.limit,0,{min:1}),e=await(await o({projectDir:await s()})).listRuns({experiment:t.experiment,limit:p});return t.json?n(e):process.stdout.write(m(e)+`
`),0}};export{f as command};
