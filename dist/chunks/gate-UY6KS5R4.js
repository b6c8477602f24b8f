import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as d}from"./chunk-C74FYDGI.js";import"./chunk-Y2LPYRWY.js";import{j as m,x as p}from"./chunk-XNFJUFNW.js";import"./chunk-RUQECBMY.js";import{l as u}from"./chunk-ZZYIFROZ.js";import"./chunk-PHC57V4K.js";import{h as c}from"./chunk-XYP3573G.js";import{b as o,c as i,g as l,h as n}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";import{readFile as h}from"node:fs/promises";var $={summary:"check a run's metrics against overfitting assertions",usage:`
usage: mlci gate RUN|--record FILE --assert EXPR [--assert EXPR]... [--json]

Exit 0 when every assertion holds, 1 when one fails, 2 on a syntax error or an unknown metric.
RUN is a recorded run (id, prefix or name); --record reads a run record JSON file instead.

Assertions: comparisons over the last logged values, with + - * / and parentheses, joined by and / or / not:
  val_loss < 1.2 * train_loss
  train_accuracy - val_accuracy <= 0.05
  min(val_loss) < 0.5          value functions: last first min max mean
  not (rising(val_loss, 3) and falling(train_loss, 3))
      rising(m, n) / falling(m, n): the last n changes of m (by step) all went up / down
Metric names with other characters go in backticks: \`val-loss\` < 1.
`,async run(f){let{values:e,positionals:a}=c("gate",f,{assert:{type:"string",multiple:!0},record:{type:"string"},json:{type:"boolean"}});if(!e.assert?.length)throw o("give at least one --assert EXPR");let t;if(e.record){if(a.length)throw o("give either RUN or --record FILE");let r=await h(e.record,"utf8").catch(g=>{throw l(e.record,g)});try{t=JSON.parse(r)}catch{throw i("not a run record (invalid JSON)",{file:e.record})}}else{if(a.length!==1)throw o("mlci gate takes one RUN");t=await(await u({projectDir:await m()})).getRun(a[0])}let s=p(t,e.assert);if(e.json)d(s);else{for(let r of s.assertions)process.stdout.write(`${r.passed?n.green("pass"):n.red("FAIL")}  ${r.expression}
      ${r.evaluated}
`);process.stdout.write(`${s.outcome==="pass"?"all assertions hold":`${s.assertions.filter(r=>!r.passed).length} of ${s.assertions.length} assertions failed`} for run ${t.id.slice(0,8)} (${t.name})
`)}return s.outcome==="pass"?0:1}};export{$ as command};
