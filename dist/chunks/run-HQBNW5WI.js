import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import"./chunk-GJJEGFUF.js";import{a as f}from"./chunk-C74FYDGI.js";import{b as y}from"./chunk-VBHZ4QXB.js";import"./chunk-UMW6HMXR.js";import"./chunk-ZZ3SX65W.js";import"./chunk-2Q632WQN.js";import"./chunk-FPGRCBJB.js";import"./chunk-S5CVBDLN.js";import"./chunk-QYWBHTRW.js";import"./chunk-ZEV6NOXC.js";import"./chunk-UXKO2W7M.js";import"./chunk-SBIGHTPX.js";import"./chunk-ANM2JGFE.js";import"./chunk-GAOVHCRW.js";import"./chunk-RUQECBMY.js";import"./chunk-2NWKGAAZ.js";import"./chunk-XSMZIWHW.js";import"./chunk-7YNXF545.js";import{g}from"./chunk-VGFHQN5J.js";import{b as m,d as c,g as e}from"./chunk-RNEIOGTY.js";import"./chunk-3LHRBKTG.js";var d=["validate","drift","train","gate","compare","promote"],S=n=>n.outcome==="pass"?e.green("\u2714"):n.outcome==="warn"?e.yellow("!"):n.outcome==="skipped"?e.dim("-"):e.red("\u2718"),N={summary:"run the pipeline mlci.yml declares: validate, drift, train, gate, compare, promote",usage:`
usage: mlci run [--config mlci.yml] [--only STAGE,\u2026] [--no-promote] [--json]

Runs every stage mlci.yml declares, in order, on the local store (.mlci/ next to mlci.yml), and ends with a
one-line verdict. Nothing is promoted unless every other stage passed.

  --config FILE   the pipeline file (default mlci.yml)
  --only LIST     run only these stages (${d.join(", ")})
  --no-promote    do not move the model alias even when everything passed
  --json          print the pipeline result as JSON on stdout (the training output goes to stderr)

Exit codes: 0 ready, 1 a stage failed, 2 bad configuration or input.`,async run(n){let{values:r,positionals:u}=g("run",n,{config:{type:"string"},only:{type:"string"},"no-promote":{type:"boolean"},json:{type:"boolean"}});if(u.length)throw m(`unexpected argument "${u[0]}"`,"mlci run [--config FILE]");let p=r.only?.split(",").map(t=>t.trim());for(let t of p??[])if(!d.includes(t))throw m(`unknown stage "${t}"`,`stages: ${d.join(", ")}`);let i=process.stderr,s,o=await y({config:r.config,only:p,promote:!r["no-promote"],trainStdoutToStderr:!!r.json,onStage:({stage:t,phase:$,result:a,index:h,total:w})=>{let l=e.dim(`[${h+1}/${w}]`);if($==="start"){i.write(`${l} ${t} \u2026
`);let v=Date.now();s=setInterval(()=>i.write(e.dim(`${l} ${t} still running (${Math.round((Date.now()-v)/1e3)} s)
`)),15e3),s.unref()}else clearInterval(s),i.write(`${l} ${S(a)} ${t}: ${a.summary} ${e.dim(`(${(a.durationMs/1e3).toFixed(1)} s)`)}
`)}});if(r.json)f(o);else{let t=o.outcome==="fail"?e.red(`\u2718 ${o.verdict}`):o.outcome==="warn"?e.yellow(`! ${o.verdict}`):e.green(`\u2714 ${o.verdict}`);process.stdout.write(`
mlci: ${t}
`)}return o.outcome==="fail"?c.fail:c.pass}};export{N as command};
