import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as u}from"./chunk-C74FYDGI.js";import{V as b,X as I,n as y}from"./chunk-BVK4E3RT.js";import{r as g}from"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import"./chunk-4Q524NXR.js";import{i as w}from"./chunk-P5EUATTR.js";import{b as o,c as m,k as c}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var A={summary:"restore the exact bytes of a dataset or artifact a run used",usage:`
usage: mlci data get RUN:PATH|SHA256 --to DIR [--github] [--json]

Writes the file into DIR under its own name, verified against its SHA-256 (a tampered or corrupt store
entry is refused). A folder dataset is written as DIR/<folder>/, every file verified, renamed into place
only when complete. Datasets are restorable when the run was recorded with \`mlci train --snapshot\`.

  --github   when the bytes are not in the local store, fetch the mlci-data-<sha256> artifact that a
             train-and-log job uploaded, else (expired) the asset of release mlci-data-<first 12 hex> that
             \`snapshot: release\` keeps, folders excepted (GITHUB_REPOSITORY, GITHUB_TOKEN with actions/contents:
             read, GITHUB_API_URL)
`,async run(T){let{values:e,positionals:s}=w("data",T,{to:{type:"string"},json:{type:"boolean"},github:{type:"boolean"}});if(s[0]!=="get"||s.length!==2)throw o("usage: mlci data get RUN:PATH|SHA256 --to DIR");if(!e.to)throw o("--to DIR is required");let a=await g({projectDir:await y()}),f=s[1];if(e.github){let r=await I(a,f);if(r){let{repoFromEnv:D}=await import("./github-QLU5IIAA.js"),{DatasetNotStoredError:d,fetchDataset:R,fetchDatasetFromRelease:H}=await import("./github-artifacts-ESBLKXFW.js"),{owner:l,repo:p}=D(),i=process.env.GITHUB_TOKEN;if(!i)throw o("--github needs GITHUB_TOKEN (a token with `actions: read`)");await R(a,{token:i,owner:l,repo:p,sha256:r}).catch(async n=>{if(!(n instanceof d))throw n;await H(a,{token:i,owner:l,repo:p,sha256:r}).catch(h=>{throw h instanceof d?m(`${n.message}, and ${h.message}`,{hint:"record the data with `snapshot: release` to keep it beyond artifact retention"}):h})})}}let t=await b(a,f,e.to);return e.json?u(t):t.files!==void 0?c.info(`${t.path}/: ${t.files} files, ${t.size} bytes, each verified (manifest sha256 ${t.sha256})`):c.info(`${t.path}: ${t.size} bytes, sha256 ${t.sha256} verified`),0}};export{A as command};
