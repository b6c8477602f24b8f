import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as t}from"./chunk-C74FYDGI.js";import"./chunk-Y2LPYRWY.js";import{A as i,j as e}from"./chunk-XNFJUFNW.js";import"./chunk-RUQECBMY.js";import{l as a}from"./chunk-ZZYIFROZ.js";import"./chunk-PHC57V4K.js";import{h as s}from"./chunk-XYP3573G.js";import{b as n}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";var w={summary:"show one run: params, metric curves, artifacts, lineage",usage:`
usage: mlci show RUN [--json]

RUN is a run id, a unique id prefix (4+ characters) or a unique run name.
  --json   print the run record as JSON on stdout
`,async run(m){let{values:u,positionals:r}=s("show",m,{json:{type:"boolean"}});if(r.length!==1)throw n("mlci show takes one RUN","list runs with `mlci runs`");let o=await(await a({projectDir:await e()})).getRun(r[0]);return u.json?t(o):process.stdout.write(i(o)+`
`),0}};export{w as command};
