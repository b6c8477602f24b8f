import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as i}from"./chunk-C74FYDGI.js";import{b as d}from"./chunk-IVWMPOOM.js";import{a as n}from"./chunk-AKNRYFYN.js";import"./chunk-RUQECBMY.js";import{e as m}from"./chunk-66WH5IMO.js";import{g as s}from"./chunk-E26G5FZX.js";import{b as a,h as o}from"./chunk-55RPZVZE.js";import"./chunk-3LHRBKTG.js";var h={summary:"restore the exact bytes of a dataset or artifact a run used",usage:`
usage: mlci data get RUN:PATH|SHA256 --to DIR [--json]

Writes the file into DIR under its own name, verified against its SHA-256 (a tampered or corrupt store
entry is refused). Datasets are restorable when the run was recorded with \`mlci train --snapshot\`.
`,async run(p){let{values:e,positionals:r}=s("data",p,{to:{type:"string"},json:{type:"boolean"}});if(r[0]!=="get"||r.length!==2)throw a("usage: mlci data get RUN:PATH|SHA256 --to DIR");if(!e.to)throw a("--to DIR is required");let t=await d(m(await n()),r[1],e.to);return e.json?i(t):o.info(`${t.path}: ${t.size} bytes, sha256 ${t.sha256} verified`),0}};export{h as command};
