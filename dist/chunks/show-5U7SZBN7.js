import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as m}from"./chunk-C74FYDGI.js";import{S as R,U as g,n as w}from"./chunk-BVK4E3RT.js";import{k as p,r as f}from"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import{b as h}from"./chunk-4Q524NXR.js";import{i as d}from"./chunk-P5EUATTR.js";import{b as c,i as l}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var b={summary:"show one run: params, metric curves, child runs, artifacts, lineage",usage:`
usage: mlci show RUN [--json]

RUN is a run id, a unique id prefix (4+ characters), a unique run name, or \`latest\` (the newest run).
A child run (a nested or later run the script opened) is found by its id or id prefix too.
  --json   print the run record as JSON on stdout
`,async run(y){let{values:j,positionals:s}=d("show",y,{json:{type:"boolean"}});if(s.length!==1)throw c("mlci show takes one RUN","list runs with `mlci runs`");let i=await f({projectDir:await w()}),t=s[0],r;try{r=await i.getRun(t)}catch(e){if(!(e instanceof p))throw e;let o=await i.listRuns();if(t==="latest"&&o.length)r=o[0];else{let a=t.length>=4?o.flatMap(u=>(u.children??[]).filter(n=>n.id.startsWith(t)).map(n=>R(u,n))):[];if(a.length!==1)throw e;r=a[0]}}return j.json?m(h(r)):process.stdout.write(g(l(r))+`
`),0}};export{b as command};
