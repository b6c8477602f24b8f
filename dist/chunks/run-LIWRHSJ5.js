import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import"./chunk-RTXARVNF.js";import{a as b}from"./chunk-C74FYDGI.js";import{b as v}from"./chunk-YSH2OUPR.js";import"./chunk-QSMXQE7L.js";import"./chunk-NKVMENDX.js";import"./chunk-S5CVBDLN.js";import"./chunk-VCRA7RN7.js";import"./chunk-NWMDLSUQ.js";import"./chunk-UGTCEIA2.js";import"./chunk-ER63HNPO.js";import"./chunk-VTYHAJLP.js";import"./chunk-5FMYOFV7.js";import"./chunk-VP2CKZAT.js";import"./chunk-RUQECBMY.js";import"./chunk-J6VVWIH2.js";import"./chunk-XSMZIWHW.js";import"./chunk-LO3ZJ253.js";import"./chunk-PHC57V4K.js";import{h as $}from"./chunk-P5TA4H7J.js";import{a as h,b as i,d as c,e as y,g as t,h as w}from"./chunk-RNEIOGTY.js";import"./chunk-3LHRBKTG.js";var u=["validate","drift","train","gate","compare","promote"],G=r=>r.outcome==="pass"?t.green("\u2714"):r.outcome==="warn"?t.yellow("!"):r.outcome==="skipped"?t.dim("-"):t.red("\u2718"),L={summary:"run the pipeline mlci.yml declares: validate, drift, train, gate, compare, promote",usage:`
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

Exit codes: 0 ready, 1 a check failed, 2 bad configuration or input (the stage says which file and line),
3 a remote service (GitHub) refused.`,async run(r){let{values:o,positionals:d}=$("run",r,{config:{type:"string"},only:{type:"string"},"no-promote":{type:"boolean"},github:{type:"boolean"},local:{type:"boolean"},json:{type:"boolean"}});if(o.github&&o.local)throw i("give --github or --local, not both");let g=o.github?"github":o.local?"local":void 0;if(d.length)throw i(`unexpected argument "${d[0]}"`,"mlci run [--config FILE]");let p=o.only?.split(",").map(e=>e.trim());for(let e of p??[])if(!u.includes(e))throw i(`unknown stage "${e}"`,`stages: ${u.join(", ")}`);let a=process.stderr,s,n=await v({config:o.config,only:p,promote:!o["no-promote"],store:g,registry:g,logger:{...w,info:()=>{}},trainStdoutToStderr:!!o.json,onStage:({stage:e,phase:S,result:l,index:I,total:E})=>{let m=t.dim(`[${I+1}/${E}]`);if(S==="start"){a.write(`${m} ${e} \u2026
`);let T=Date.now();s=setInterval(()=>a.write(t.dim(`${m} ${e} still running (${Math.round((Date.now()-T)/1e3)} s)
`)),15e3),s.unref()}else clearInterval(s),a.write(`${m} ${G(l)} ${e}: ${l.summary} ${t.dim(`(${(l.durationMs/1e3).toFixed(1)} s)`)}
`)}});if(o.json)b(n);else{let e=n.outcome==="fail"?t.red(`\u2718 ${n.verdict}`):n.outcome==="warn"?t.yellow(`! ${n.verdict}`):t.green(`\u2714 ${n.verdict}`);process.stdout.write(`
mlci: ${e}
`)}let f=n.stages.filter(e=>e.error).map(e=>y(new h(e.error.kind,e.error.message)));return f.length?Math.max(...f):n.outcome==="fail"?c.fail:c.pass}};export{L as command};
