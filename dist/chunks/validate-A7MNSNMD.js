import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as c}from"./chunk-C74FYDGI.js";import"./chunk-ESHSAAKX.js";import{g as n,i as l}from"./chunk-E6U5JHS7.js";import{h as o,i as r}from"./chunk-XYP3573G.js";import{b as t,d as s}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";var g={summary:"check a dataset (CSV, JSONL, Parquet) against a Table Schema",usage:`
usage: mlci validate DATA --schema FILE [--json] [--sample N] [--delimiter C] [--format csv|jsonl|parquet] [--row-schema FILE]

Checks every record of DATA against a Frictionless Table Schema (types, required, unique, minimum, maximum,
enum, pattern, minLength, maxLength, missingValues, primaryKey) plus mlci's table checks (mlci.minRows,
mlci.maxRows, per-field mlci.mostly and mlci.maxMissingShare) and an optional row-level JSON Schema.

  --schema FILE      the Table Schema (JSON)
  --json             print the result as one JSON object on stdout
  --sample N         violations listed in the result (totals stay exact), default 100
  --row-schema FILE  a JSON Schema every typed row must satisfy
  --delimiter C      CSV delimiter (default "," and tab for .tsv)

Exit codes: 0 valid, 1 violations, 2 unusable input (missing file, bad schema, malformed CSV).`,async run(d){let{values:e,positionals:i}=o("validate",d,{schema:{type:"string"},json:{type:"boolean"},sample:{type:"string"},delimiter:{type:"string"},format:{type:"string"},"row-schema":{type:"string"}});if(i.length!==1)throw t("give exactly one data file","mlci validate DATA --schema FILE");if(!e.schema)throw t("--schema FILE is required","write one with `mlci infer-schema DATA --out schema.json`");let m;if(e["row-schema"]){let{loadJsonFile:u}=await import("./json-file-QOLGRAAB.js");m=await u(e["row-schema"],"row schema")}let a=await n(i[0],e.schema,{sampleSize:r("sample",e.sample,100,{min:0,max:1e5}),delimiter:e.delimiter,format:e.format,rowSchema:m});return e.json?c(a):process.stdout.write(l(a)+`
`),a.outcome==="pass"?s.pass:s.fail}};export{g as command};
