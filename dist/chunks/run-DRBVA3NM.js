import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as y}from"./chunk-C74FYDGI.js";import{a as d}from"./chunk-64I6K4OA.js";import"./chunk-XB6E4TYD.js";import"./chunk-5OOXPKSZ.js";import"./chunk-ZOUWYLCH.js";import"./chunk-2C4P74BH.js";import"./chunk-KON3ZX32.js";import"./chunk-GSZK6MMP.js";import"./chunk-XQTZ5SID.js";import"./chunk-X34QUMV5.js";import"./chunk-XU5NPQWZ.js";import"./chunk-SHAWWN6F.js";import"./chunk-AG4RTG3P.js";import"./chunk-D762VPQM.js";import{e as m,g as c,n as e,r as f}from"./chunk-7SOMVUX7.js";var p=["validate","drift","train","gate","compare","promote"],S=n=>n.outcome==="pass"?e.green("\u2714"):n.outcome==="warn"?e.yellow("!"):n.outcome==="skipped"?e.dim("-"):e.red("\u2718"),k={summary:"run the pipeline mlci.yml declares: validate, drift, train, gate, compare, promote",usage:`
usage: mlci run [--config mlci.yml] [--only STAGE,\u2026] [--no-promote] [--json]

Runs every stage mlci.yml declares, in order, on the local store (.mlci/ next to mlci.yml), and ends with a
one-line verdict. Nothing is promoted unless every other stage passed.

  --config FILE   the pipeline file (default mlci.yml)
  --only LIST     run only these stages (${p.join(", ")})
  --no-promote    do not move the model alias even when everything passed
  --json          print the pipeline result as JSON on stdout (the training output goes to stderr)

Exit codes: 0 ready, 1 a stage failed, 2 bad configuration or input.`,async run(n){let{values:r,positionals:u}=f("run",n,{config:{type:"string"},only:{type:"string"},"no-promote":{type:"boolean"},json:{type:"boolean"}});if(u.length)throw m(`unexpected argument "${u[0]}"`,"mlci run [--config FILE]");let g=r.only?.split(",").map(t=>t.trim());for(let t of g??[])if(!p.includes(t))throw m(`unknown stage "${t}"`,`stages: ${p.join(", ")}`);let i=process.stderr,s,o=await d({config:r.config,only:g,promote:!r["no-promote"],trainStdoutToStderr:!!r.json,onStage:({stage:t,phase:$,result:a,index:h,total:w})=>{let l=e.dim(`[${h+1}/${w}]`);if($==="start"){i.write(`${l} ${t} \u2026
`);let v=Date.now();s=setInterval(()=>i.write(e.dim(`${l} ${t} still running (${Math.round((Date.now()-v)/1e3)} s)
`)),15e3),s.unref()}else clearInterval(s),i.write(`${l} ${S(a)} ${t}: ${a.summary} ${e.dim(`(${(a.durationMs/1e3).toFixed(1)} s)`)}
`)}});if(r.json)y(o);else{let t=o.outcome==="fail"?e.red(`\u2718 ${o.verdict}`):o.outcome==="warn"?e.yellow(`! ${o.verdict}`):e.green(`\u2714 ${o.verdict}`);process.stdout.write(`
mlci: ${t}
`)}return o.outcome==="fail"?c.fail:c.pass}};export{k as command};
