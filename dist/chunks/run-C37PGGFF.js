import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as w}from"./chunk-C74FYDGI.js";import{a as b}from"./chunk-ODK7ALIJ.js";import"./chunk-IHKCQLTW.js";import"./chunk-NUY6GEQZ.js";import"./chunk-US2Y3V4M.js";import"./chunk-SA7EJ3IO.js";import"./chunk-BVK4E3RT.js";import"./chunk-3H6WXDJJ.js";import"./chunk-5LBXIDBD.js";import"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import"./chunk-4Q524NXR.js";import"./chunk-OXN7KV7T.js";import{i as $}from"./chunk-P5EUATTR.js";import{b as r,d as c,f as h,j as t,k as y}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var d=["validate","drift","train","gate","compare","promote"],E=i=>i.outcome==="pass"?t.green("\u2714"):i.outcome==="warn"?t.yellow("!"):i.outcome==="skipped"?t.dim("-"):t.red("\u2718"),x={summary:"run the pipeline mlci.yml declares: validate, drift, train, gate, compare, promote",usage:`
usage: mlci run [--config mlci.yml] [--only STAGE,\u2026] [--no-promote] [--github | --local] [--json]

Runs every stage mlci.yml declares, in order, and ends with a one-line verdict. Nothing is promoted unless
every other stage passed; after a failed validation nothing is trained (mlci.yml on-fail: continue to train
anyway). Runs and models go where mlci.yml's store: and registry: say (default auto: GitHub inside a GitHub
Actions job, the local .mlci/ next to mlci.yml anywhere else).

  --config FILE   the pipeline file (default mlci.yml)
  --github        use GitHub from here too: main's runs and the champion of $GITHUB_REPOSITORY (with
                  $GITHUB_TOKEN, and $GITHUB_API_URL for GitHub Enterprise), promotion to its releases
  --local         use the local .mlci/ whatever mlci.yml says
  --only LIST     run only these stages (${d.join(", ")})
  --no-promote    do not move the model alias even when everything passed
  --json          print the pipeline result as JSON on stdout (the training output goes to stderr)

Exit codes: 0 ready, 1 a check failed, 2 bad configuration or input (the stage says which file and line),
3 a remote service (GitHub) refused.`,async run(i){let{values:o,positionals:u}=$("run",i,{config:{type:"string"},only:{type:"string"},"no-promote":{type:"boolean"},github:{type:"boolean"},local:{type:"boolean"},json:{type:"boolean"}});if(o.github&&o.local)throw r("give --github or --local, not both");let g=o.github?"github":o.local?"local":void 0;if(u.length)throw r(`unexpected argument "${u[0]}"`,"mlci run [--config FILE]");let p=o.only?.split(",").map(e=>e.trim());for(let e of p??[])if(!d.includes(e))throw r(`unknown stage "${e}"`,`stages: ${d.join(", ")}`);let a=process.stderr,s,n=await b({config:o.config,only:p,promote:!o["no-promote"],store:g,registry:g,logger:{...y,info:()=>{}},trainStdoutToStderr:!!o.json,onStage:({stage:e,phase:v,result:l,index:S,total:I})=>{let m=t.dim(`[${S+1}/${I}]`);if(v==="start"){a.write(`${m} ${e} \u2026
`);let T=Date.now();s=setInterval(()=>a.write(t.dim(`${m} ${e} still running (${Math.round((Date.now()-T)/1e3)} s)
`)),15e3),s.unref()}else clearInterval(s),a.write(`${m} ${E(l)} ${e}: ${l.summary} ${t.dim(`(${(l.durationMs/1e3).toFixed(1)} s)`)}
`)}});if(o.json)w(n);else{let e=n.outcome==="fail"?t.red(`\u2718 ${n.verdict}`):n.outcome==="warn"?t.yellow(`! ${n.verdict}`):t.green(`\u2714 ${n.verdict}`);process.stdout.write(`
mlci: ${e}
`)}let f=n.stages.filter(e=>e.error).map(e=>h(e.error.kind));return f.length?Math.max(...f):n.outcome==="fail"?c.fail:c.pass}};export{x as command};
