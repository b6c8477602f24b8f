import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as h}from"./chunk-C74FYDGI.js";import{J as $,K as k,O as v,P as b,n as R}from"./chunk-BVK4E3RT.js";import{r as y}from"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import{c as w}from"./chunk-4Q524NXR.js";import{i as g}from"./chunk-P5EUATTR.js";import{b as u,c as a,g as f,j as p}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";import{readFile as j}from"node:fs/promises";var x={summary:"check a run's metrics against overfitting assertions",usage:`
usage: mlci gate RUN|--record FILE --assert EXPR [--assert EXPR]... [--json]

Exit 0 when every assertion holds, 1 when one fails, 2 on a syntax error or an unknown metric.
RUN is a recorded run (id, prefix or name); --record reads a run record JSON file instead.

Assertions: comparisons over the last logged values, with + - * / and parentheses, joined by and / or / not:
  val_loss < 1.2 * train_loss
  train_accuracy - val_accuracy <= 0.05
  min(val_loss) < 0.5          value functions: last first min max mean
  not (rising(val_loss, 3) and falling(train_loss, 3))
      rising(m, n) / falling(m, n): the last n changes of m (by step) all went up / down
Metric names are letters, digits, _ and . ; other characters go in backticks: \`val-loss\` < 1.
A name with / (train/loss, system/cpu_utilization_percentage) is that metric when the run logged it,
otherwise / divides: zero/zero is zero / zero. Backticks always mean one metric: \`a/b\`.
NaN (0/0) makes a comparison unknown, and unknown fails: not (zero/zero < 1) fails, with a note; and / or
follow three-valued logic (unknown or true is true). An assertion is at most ${$} characters and
nests at most ${k} levels; split longer ones into several --assert.
`,async run(c){let{values:e,positionals:s}=g("gate",c,{assert:{type:"string",multiple:!0},record:{type:"string"},json:{type:"boolean"}});if(!e.assert?.length)throw u("give at least one --assert EXPR");let r;if(e.record){if(s.length)throw u("give either RUN or --record FILE");let t=await j(e.record,"utf8").catch(i=>{throw f(e.record,i)}),n;try{n=JSON.parse(t)}catch(i){throw a(`not a run record (invalid JSON: ${i.message})`,{file:e.record,hint:"pass a run.json that mlci wrote (`mlci show RUN --json`)"})}r=A(n,e.record)}else{if(s.length!==1)throw u("mlci gate takes one RUN");r=await(await y({projectDir:await R()})).getRun(s[0])}let o=b(r,e.assert);if(e.json)h(v(o));else{for(let t of o.assertions){process.stdout.write(`${t.passed?p.green("pass"):p.red("FAIL")}  ${t.expression}
      ${t.evaluated}
`);for(let n of t.notes??[])process.stdout.write(`      note: ${n}
`)}process.stdout.write(`${o.outcome==="pass"?"all assertions hold":`${o.assertions.filter(t=>!t.passed).length} of ${o.assertions.length} assertions failed`} for run ${r.id.slice(0,8)} (${r.name})
`)}return o.outcome==="pass"?0:1}};function A(c,e){let s='metrics are {"NAME": [{"step": 0, "value": 0.9, "timestamp": 1700000000000}, ...]}, as mlci writes run.json';if(typeof c!="object"||c===null||Array.isArray(c))throw a("not a run record (expected a JSON object)",{file:e,hint:s});let r=c;if(typeof r.metrics!="object"||r.metrics===null||Array.isArray(r.metrics))throw a('not a run record: "metrics" is missing or not an object',{file:e,hint:s});for(let[t,n]of Object.entries(r.metrics)){if(!Array.isArray(n))throw a(`metric "${t}" is not a list of points`,{file:e,hint:s});n.forEach((i,m)=>{if(typeof i!="object"||i===null||Array.isArray(i))throw a(`metric "${t}" point ${m} is not an object`,{file:e,hint:s})})}let{metrics:o}=w({metrics:r.metrics});for(let[t,n]of Object.entries(o))n.forEach((i,m)=>{let l=i,d=l.value;if(typeof d!="number")throw a(`metric "${t}" point ${m}: value is ${typeof d=="string"?`the string ${JSON.stringify(d.slice(0,40))}`:JSON.stringify(d)??"missing"}, not a number`,{file:e,hint:s});if(l.step!==void 0&&typeof l.step!="number")throw a(`metric "${t}" point ${m}: step is not a number`,{file:e,hint:s});if(l.timestamp!==void 0&&typeof l.timestamp!="number")throw a(`metric "${t}" point ${m}: timestamp is not a number`,{file:e,hint:s})});return{...r,metrics:o,id:typeof r.id=="string"?r.id:"record",name:typeof r.name=="string"?r.name:e}}export{x as command};
