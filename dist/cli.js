import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{d as c,f as t,g as p,h as s}from"./chunks/chunk-SHWSQMHT.js";var i={validate:()=>import("./chunks/validate-3YHLUDTN.js"),"infer-schema":()=>import("./chunks/infer-schema-4KUL7MZT.js"),drift:()=>import("./chunks/drift-VM4IKWXA.js")};var d="0.1.0";async function u(){let o=["mlci: MLOps checks for GitHub Actions, on your laptop too","","usage: mlci <command> [flags]","","commands:"];for(let[r,n]of Object.entries(i))o.push(`  ${r.padEnd(14)} ${(await n()).command.summary}`);return o.push("","Run `mlci <command> --help` for its flags. Exit codes: 0 pass, 1 fail, 2 bad input or usage, 3 remote error."),o.join(`
`)}async function l(o){let[r,...n]=o;if(!r||r==="--help"||r==="-h"||r==="help")return process.stdout.write(await u()+`
`),r?t.pass:t.badInput;if(r==="--version"||r==="-V")return process.stdout.write(d+`
`),t.pass;let a=i[r];if(!a)return s.error(`unknown command "${r}"
  hint: run \`mlci --help\` to list the commands`),t.badInput;let{command:m}=await a();if(n.includes("--help")||n.includes("-h"))return process.stdout.write(m.usage.trim()+`
`),t.pass;try{return await m.run(n)}catch(e){return e instanceof c?s.error(e.describe()):s.error(`internal error in mlci ${r}: ${e?.stack??String(e)}
  hint: this is a bug in mlci; please report it with the command you ran`),p(e)}}l(process.argv.slice(2)).then(o=>{process.exitCode=o},o=>{s.error(String(o?.stack??o)),process.exitCode=t.internal});export{l as main};
