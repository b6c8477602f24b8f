import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as p}from"./chunk-C74FYDGI.js";import{b as f,e as g}from"./chunk-3B5WGKJ5.js";import{a as h,b as u}from"./chunk-BT5NTKEB.js";import{i as d,j as r}from"./chunk-6UHFZSRP.js";import{b as i,d as s,h as l,k as c}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var F={summary:"check a dataset (CSV, JSONL, Parquet) against a Table Schema",usage:`
usage: mlci validate DATA --schema FILE [--json] [--sample N] [--delimiter C] [--format csv|jsonl|parquet] [--row-schema FILE]

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
  --max-record-length N    longest CSV record or JSON line, in characters, default ${h}
                           (schema: "mlci": {"maxRecordLength": N})
  --max-field-length N     longest CSV field, in characters, default ${u}
                           (schema: "mlci": {"maxFieldLength": N})

Exit codes: 0 valid, 1 violations, 2 unusable input (missing file, bad schema, malformed CSV).`,async run(w){let{values:e,positionals:m}=d("validate",w,{schema:{type:"string"},json:{type:"boolean"},sample:{type:"string"},delimiter:{type:"string"},format:{type:"string"},"row-schema":{type:"string"},"max-record-length":{type:"string"},"max-field-length":{type:"string"}});if(m.length!==1)throw i("give exactly one data file (or - for stdin)","mlci validate DATA --schema FILE");if(!e.schema)throw i("--schema FILE is required","write one with `mlci infer-schema DATA --out schema.json`");let n;if(e["row-schema"]){let{loadJsonFile:a}=await import("./json-file-IZOKUXPC.js");n=await a(e["row-schema"],"row schema")}let o=a=>e[a]===void 0?void 0:r(a,e[a],0,{min:1,max:2**29}),t=await f(m[0],e.schema,{sampleSize:r("sample",e.sample,100,{min:0,max:1e5}),delimiter:e.delimiter,format:e.format,rowSchema:n,rowSchemaFile:e["row-schema"],maxRecordLength:o("max-record-length"),maxFieldLength:o("max-field-length")});if(e.json){for(let a of t.tableChecks)a.check==="schema"&&c.warn(a.message);p(t)}else process.stdout.write(l(g(t),{multiline:!0})+`
`);return t.outcome==="pass"?s.pass:s.fail}};export{F as command};
