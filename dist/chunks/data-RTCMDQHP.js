import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as l}from"./chunk-C74FYDGI.js";import{b as f}from"./chunk-FPGRCBJB.js";import{j as d}from"./chunk-GAOVHCRW.js";import"./chunk-RUQECBMY.js";import{c as p,e as m}from"./chunk-7YNXF545.js";import{g as u}from"./chunk-VGFHQN5J.js";import{b as s,h}from"./chunk-RNEIOGTY.js";import"./chunk-3LHRBKTG.js";var j={summary:"restore the exact bytes of a dataset or artifact a run used",usage:`
usage: mlci data get RUN:PATH|SHA256 --to DIR [--github] [--json]

Writes the file into DIR under its own name, verified against its SHA-256 (a tampered or corrupt store
entry is refused). Datasets are restorable when the run was recorded with \`mlci train --snapshot\`.

  --github   when the bytes are not in the local store, fetch the mlci-data-<sha256> artifact that a
             train-and-log job uploaded (GITHUB_REPOSITORY, GITHUB_TOKEN with actions: read, GITHUB_API_URL)
`,async run(n){let{values:t,positionals:e}=u("data",n,{to:{type:"string"},json:{type:"boolean"},github:{type:"boolean"}});if(e[0]!=="get"||e.length!==2)throw s("usage: mlci data get RUN:PATH|SHA256 --to DIR");if(!t.to)throw s("--to DIR is required");let o=m(await d()),a=e[1];if(t.github){let i=p(a)?a:await T(o,a);if(i&&!await o.hasBlob(i)){let{repoFromEnv:g}=await import("./github-6EEXS7P3.js"),{fetchDataset:w}=await import("./github-artifacts-DZ3QOXMY.js"),{owner:b,repo:y}=g(),c=process.env.GITHUB_TOKEN;if(!c)throw s("--github needs GITHUB_TOKEN (a token with `actions: read`)");await w(o,{token:c,owner:b,repo:y,sha256:i})}}let r=await f(o,a,t.to);return t.json?l(r):h.info(`${r.path}: ${r.size} bytes, sha256 ${r.sha256} verified`),0}};async function T(n,t){let e=t.indexOf(":");return e<=0?null:(await n.getRun(t.slice(0,e)).catch(()=>null))?.lineage.datasets.find(a=>a.path===t.slice(e+1).replace(/^\.\//,""))?.sha256??null}export{j as command};
