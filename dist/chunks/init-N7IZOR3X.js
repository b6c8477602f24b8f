import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as s}from"./chunk-C74FYDGI.js";import{b as c}from"./chunk-ODK7ALIJ.js";import"./chunk-IHKCQLTW.js";import"./chunk-NUY6GEQZ.js";import"./chunk-US2Y3V4M.js";import"./chunk-SA7EJ3IO.js";import"./chunk-BVK4E3RT.js";import"./chunk-3H6WXDJJ.js";import"./chunk-5LBXIDBD.js";import"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import"./chunk-4Q524NXR.js";import"./chunk-OXN7KV7T.js";import{i as a}from"./chunk-P5EUATTR.js";import{b as n,d as o,k as t}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var h={summary:"write a starting mlci.yml (and inferred schemas) by looking at the repository",usage:`
usage: mlci init [--dir DIR] [--force] [--json]

Finds data files (each gets an inferred Table Schema under schemas/), a reference dataset named like one
(ref, reference, baseline), the training script (train.py, src/train.py, \u2026), params.yaml and a likely target
column, and writes mlci.yml, checked by the same loader \`mlci run\` uses. It writes all of its files or, when a
data file cannot be read, none.

  --dir DIR   the repository to look at and write into (default: the current directory)
  --force     replace an existing mlci.yml
  --json      print what was written as JSON`,async run(l){let{values:r,positionals:i}=a("init",l,{dir:{type:"string"},force:{type:"boolean"},json:{type:"boolean"}});if(i.length)throw n(`unexpected argument "${i[0]}"`);if(r.dir==="")throw n("--dir needs a directory","mlci init --dir path/to/repository (default: the current directory)");let e=await c({dir:r.dir??process.cwd(),force:r.force});if(r.json)s(e);else{t.info(`wrote ${e.file}${e.schemas.length?` and ${e.schemas.join(", ")}`:""}`);for(let d of e.notes)t.info(`note: ${d}`);t.info("next: review it, then `mlci run`")}return o.pass}};export{h as command};
