import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import"./chunk-POYGDLCC.js";import{a as h}from"./chunk-C74FYDGI.js";import{b as $}from"./chunk-GPDT2P6X.js";import"./chunk-MVYSGAD6.js";import"./chunk-GN7H4X4E.js";import"./chunk-S5CVBDLN.js";import"./chunk-QQI5VSFK.js";import"./chunk-H5IGT67G.js";import"./chunk-ZEV6NOXC.js";import"./chunk-UXKO2W7M.js";import"./chunk-SBIGHTPX.js";import"./chunk-ANM2JGFE.js";import"./chunk-NKQEUSWI.js";import"./chunk-RUQECBMY.js";import"./chunk-ZUIKXN73.js";import"./chunk-XSMZIWHW.js";import"./chunk-AQPI4CE6.js";import"./chunk-PHC57V4K.js";import{g as f}from"./chunk-VGFHQN5J.js";import{b as r,d as c,g as e,h as y}from"./chunk-RNEIOGTY.js";import"./chunk-3LHRBKTG.js";var u=["validate","drift","train","gate","compare","promote"],I=i=>i.outcome==="pass"?e.green("\u2714"):i.outcome==="warn"?e.yellow("!"):i.outcome==="skipped"?e.dim("-"):e.red("\u2718"),G={summary:"run the pipeline mlci.yml declares: validate, drift, train, gate, compare, promote",usage:`
usage: mlci run [--config mlci.yml] [--only STAGE,\u2026] [--no-promote] [--github | --local] [--json]

Runs every stage mlci.yml declares, in order, and ends with a one-line verdict. Nothing is promoted unless
every other stage passed; after a failed validation nothing is trained (mlci.yml on-fail: continue to train
anyway). Runs and models go where mlci.yml's store: and registry: say (default auto: GitHub inside a GitHub
Actions job, the local .mlci/ next to mlci.yml anywhere else).

  --config FILE   the pipeline file (default mlci.yml)
  --github        use GitHub from here too: main's runs and the champion of $GITHUB_REPOSITORY (with
                  $GITHUB_TOKEN, and $GITHUB_API_URL for GitHub Enterprise), promotion to its releases
  --local         use the local .mlci/ whatever mlci.yml says
  --only LIST     run only these stages (${u.join(", ")})
  --no-promote    do not move the model alias even when everything passed
  --json          print the pipeline result as JSON on stdout (the training output goes to stderr)

Exit codes: 0 ready, 1 a stage failed, 2 bad configuration or input.`,async run(i){let{values:o,positionals:d}=f("run",i,{config:{type:"string"},only:{type:"string"},"no-promote":{type:"boolean"},github:{type:"boolean"},local:{type:"boolean"},json:{type:"boolean"}});if(o.github&&o.local)throw r("give --github or --local, not both");let g=o.github?"github":o.local?"local":void 0;if(d.length)throw r(`unexpected argument "${d[0]}"`,"mlci run [--config FILE]");let p=o.only?.split(",").map(t=>t.trim());for(let t of p??[])if(!u.includes(t))throw r(`unknown stage "${t}"`,`stages: ${u.join(", ")}`);let a=process.stderr,s,n=await $({config:o.config,only:p,promote:!o["no-promote"],store:g,registry:g,logger:{...y,info:()=>{}},trainStdoutToStderr:!!o.json,onStage:({stage:t,phase:w,result:l,index:b,total:v})=>{let m=e.dim(`[${b+1}/${v}]`);if(w==="start"){a.write(`${m} ${t} \u2026
`);let S=Date.now();s=setInterval(()=>a.write(e.dim(`${m} ${t} still running (${Math.round((Date.now()-S)/1e3)} s)
`)),15e3),s.unref()}else clearInterval(s),a.write(`${m} ${I(l)} ${t}: ${l.summary} ${e.dim(`(${(l.durationMs/1e3).toFixed(1)} s)`)}
`)}});if(o.json)h(n);else{let t=n.outcome==="fail"?e.red(`\u2718 ${n.verdict}`):n.outcome==="warn"?e.yellow(`! ${n.verdict}`):e.green(`\u2714 ${n.verdict}`);process.stdout.write(`
mlci: ${t}
`)}return n.outcome==="fail"?c.fail:c.pass}};export{G as command};
