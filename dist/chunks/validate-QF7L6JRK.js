import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as T}from"./chunk-C74FYDGI.js";import{b as y,e as S,g as x,h as L,i as F}from"./chunk-US2Y3V4M.js";import{a as w,b as v}from"./chunk-SA7EJ3IO.js";import{c as f,i as p,j as l}from"./chunk-P5EUATTR.js";import{b as i,d as s,h as g,k as n}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var D={summary:"check a dataset (CSV, JSONL, Parquet) against a Table Schema",usage:`
usage: mlci validate DATA --schema FILE [--json] [--sample N] [--delimiter C] [--format csv|jsonl|parquet] [--row-schema FILE]
       mlci validate DATA --schema FILE --shard-out FILE      (one shard of a larger validation)
       mlci validate --merge SHARD... [--json] [--sample N]   (the verdict over all shards)

Checks every record of DATA against a Frictionless Table Schema (types, required, unique, minimum, maximum,
enum, pattern, minLength, maxLength, missingValues, primaryKey) plus mlci's table checks (mlci.minRows,
mlci.maxRows, per-field mlci.mostly and mlci.maxMissingShare) and an optional row-level JSON Schema.
DATA may be \`-\` (stdin) or a pipe such as <(zcat data.csv.gz), with --format; each input is read once.

  --schema FILE            the Table Schema (JSON)
  --json                   print the result as one JSON object on stdout
  --sample N               violations listed in the result (totals stay exact), default 100
  --row-schema FILE        a JSON Schema every typed row must satisfy
  --delimiter C            CSV delimiter (default "," and tab for .tsv)
  --format F               csv, jsonl or parquet (default: from the extension; required for stdin)
  --max-record-length N    longest CSV record or JSON line, in characters, default ${w}
                           (schema: "mlci": {"maxRecordLength": N})
  --max-field-length N     longest CSV field, in characters, default ${v}
                           (schema: "mlci": {"maxFieldLength": N})
  --shard-out FILE         also write this file's result as a shard (JSON) for a later --merge, and exit 0
                           whatever it holds: the merge gives the verdict
  --merge                  the positionals are shard files: one verdict over all their rows (totals and table
                           checks over all rows, unique and primaryKey across files)

Large files are checked on several threads (MLCI_THREADS, default the cores, at most 4).
Exit codes: 0 valid, 1 violations, 2 unusable input (missing file, bad schema, malformed CSV).`,async run(A){let{values:e,positionals:t}=p("validate",A,{schema:{type:"string"},json:{type:"boolean"},sample:{type:"string"},delimiter:{type:"string"},format:{type:"string"},"row-schema":{type:"string"},"max-record-length":{type:"string"},"max-field-length":{type:"string"},"shard-out":{type:"string"},merge:{type:"boolean"}}),m=l("sample",e.sample,100,{min:0,max:1e5}),o=a=>{if(e.json){for(let r of a.tableChecks)r.check==="schema"&&n.warn(r.message);T(a)}else process.stdout.write(g(S(a),{multiline:!0})+`
`)};if(e.merge){if(t.length===0)throw i("give the shard files to merge","mlci validate --merge shards/*.json");let a=[];for(let E of t)a.push(await L(E));let r=await F(a,t,{sampleSize:e.sample===void 0?void 0:m});return o(r),r.outcome==="pass"?s.pass:s.fail}if(t.length!==1)throw i("give exactly one data file (or - for stdin)","mlci validate DATA --schema FILE");if(!e.schema)throw i("--schema FILE is required","write one with `mlci infer-schema DATA --out schema.json`");let d;if(e["row-schema"]){let{loadJsonFile:a}=await import("./json-file-XDXC56SK.js");d=await a(e["row-schema"],"row schema")}let c=a=>e[a]===void 0?void 0:l(a,e[a],0,{min:1,max:2**29}),h={sampleSize:m,delimiter:e.delimiter,format:e.format,rowSchema:d,rowSchemaFile:e["row-schema"],maxRecordLength:c("max-record-length"),maxFieldLength:c("max-field-length")};if(e["shard-out"]){let a=await x(t[0],e.schema,h);return await f(e["shard-out"],a),o(a.result),n.info(`wrote the shard result ${e["shard-out"]}: merge the shards with \`mlci validate --merge\` for the verdict`),s.pass}let u=await y(t[0],e.schema,h);return o(u),u.outcome==="pass"?s.pass:s.fail}};export{D as command};
