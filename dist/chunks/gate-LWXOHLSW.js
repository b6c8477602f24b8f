import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as g}from"./chunk-C74FYDGI.js";import{B as $,j as h,w as y,x as R}from"./chunk-RSWNCMZA.js";import{m as w}from"./chunk-T3YVCBMH.js";import"./chunk-F3D6UPPF.js";import"./chunk-Y6LSCVYH.js";import{i as f}from"./chunk-MDTHXPDW.js";import{b as u,c as o,g as p,j as d}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";import{readFile as v}from"node:fs/promises";var _={summary:"check a run's metrics against overfitting assertions",usage:`
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
follow three-valued logic (unknown or true is true). An assertion is at most ${y} characters and
nests at most ${R} levels; split longer ones into several --assert.
`,async run(c){let{values:e,positionals:s}=f("gate",c,{assert:{type:"string",multiple:!0},record:{type:"string"},json:{type:"boolean"}});if(!e.assert?.length)throw u("give at least one --assert EXPR");let t;if(e.record){if(s.length)throw u("give either RUN or --record FILE");let n=await v(e.record,"utf8").catch(i=>{throw p(e.record,i)}),m;try{m=JSON.parse(n)}catch(i){throw o(`not a run record (invalid JSON: ${i.message})`,{file:e.record,hint:"pass a run.json that mlci wrote (`mlci show RUN --json`)"})}t=b(m,e.record)}else{if(s.length!==1)throw u("mlci gate takes one RUN");t=await(await w({projectDir:await h()})).getRun(s[0])}let r=$(t,e.assert);if(e.json)g(r);else{for(let n of r.assertions){process.stdout.write(`${n.passed?d.green("pass"):d.red("FAIL")}  ${n.expression}
      ${n.evaluated}
`);for(let m of n.notes??[])process.stdout.write(`      note: ${m}
`)}process.stdout.write(`${r.outcome==="pass"?"all assertions hold":`${r.assertions.filter(n=>!n.passed).length} of ${r.assertions.length} assertions failed`} for run ${t.id.slice(0,8)} (${t.name})
`)}return r.outcome==="pass"?0:1}};function b(c,e){let s='metrics are {"NAME": [{"step": 0, "value": 0.9, "timestamp": 1700000000000}, ...]}, as mlci writes run.json';if(typeof c!="object"||c===null||Array.isArray(c))throw o("not a run record (expected a JSON object)",{file:e,hint:s});let t=c;if(typeof t.metrics!="object"||t.metrics===null||Array.isArray(t.metrics))throw o('not a run record: "metrics" is missing or not an object',{file:e,hint:s});for(let[r,n]of Object.entries(t.metrics)){if(!Array.isArray(n))throw o(`metric "${r}" is not a list of points`,{file:e,hint:s});n.forEach((m,i)=>{let a=m,l=a?.value;if(typeof a!="object"||a===null)throw o(`metric "${r}" point ${i} is not an object`,{file:e,hint:s});if(typeof l!="number"||!Number.isFinite(l))throw o(`metric "${r}" point ${i}: value is ${typeof l=="string"?`the string ${JSON.stringify(l.slice(0,40))}`:JSON.stringify(l)??"missing"}, not a number`,{file:e,hint:s});if(a.step!==void 0&&typeof a.step!="number")throw o(`metric "${r}" point ${i}: step is not a number`,{file:e,hint:s});if(a.timestamp!==void 0&&typeof a.timestamp!="number")throw o(`metric "${r}" point ${i}: timestamp is not a number`,{file:e,hint:s})})}return{...t,id:typeof t.id=="string"?t.id:"record",name:typeof t.name=="string"?t.name:e}}export{_ as command};
