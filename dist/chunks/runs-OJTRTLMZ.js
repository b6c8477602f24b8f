import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as s}from"./chunk-C74FYDGI.js";import{T as p,n as a}from"./chunk-BVK4E3RT.js";import{r as m}from"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import{b as o}from"./chunk-4Q524NXR.js";import{i as n,j as i}from"./chunk-P5EUATTR.js";import{i as r}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var g={summary:"list recorded runs, newest first",usage:`
usage: mlci runs [--experiment NAME] [--limit N] [--json]

Lists the runs recorded under .mlci/ in the project directory (the git root), newest first.
  --experiment NAME   only runs of this experiment
  --limit N           at most N runs
  --json              print the run records as a JSON array on stdout
`,async run(u){let{values:e}=n("runs",u,{experiment:{type:"string"},limit:{type:"string"},json:{type:"boolean"}},!1),d=e.limit===void 0?void 0:i("limit",e.limit,0,{min:1}),t=await(await m({projectDir:await a()})).listRuns({experiment:e.experiment,limit:d});return e.json?s(t.map(o)):process.stdout.write(p(r(t))+`
`),0}};export{g as command};
