import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as g}from"./chunk-C74FYDGI.js";import{c as h}from"./chunk-6FANN5BC.js";import{a as f,b as c}from"./chunk-OBSDM4HI.js";import{c as m,i as d,j as a}from"./chunk-MDTHXPDW.js";import{b as s,d as n,k as l}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var x={summary:"write a starting Table Schema inferred from a dataset",usage:`
usage: mlci infer-schema DATA [--out FILE] [--sample-rows N] [--delimiter C] [--format F]

Reads the first records of DATA and writes a Table Schema: the narrowest type each column fits, required where
nothing is missing, an enum for low-cardinality strings, the observed range. Review it before you commit it.
DATA may be \`-\` (stdin) or a pipe such as <(zcat data.csv.gz), with --format.

  --out FILE               write the schema here (atomically) instead of stdout
  --sample-rows N          records to read, default 10000
  --delimiter C            CSV delimiter (default "," and tab for .tsv)
  --format F               csv, jsonl or parquet (default: from the extension; required for stdin)
  --max-record-length N    longest CSV record or JSON line, in characters, default ${f}
  --max-field-length N     longest CSV field, in characters, default ${c}`,async run(u){let{values:e,positionals:i}=d("infer-schema",u,{out:{type:"string"},"sample-rows":{type:"string"},delimiter:{type:"string"},format:{type:"string"},"max-record-length":{type:"string"},"max-field-length":{type:"string"}});if(i.length!==1)throw s("give exactly one data file (or - for stdin)","mlci infer-schema DATA [--out schema.json]");let o=r=>e[r]===void 0?void 0:a(r,e[r],0,{min:1,max:2**29}),t=await h(i[0],{sampleRows:a("sample-rows",e["sample-rows"],1e4,{min:1}),delimiter:e.delimiter,format:e.format,maxRecordLength:o("max-record-length"),maxFieldLength:o("max-field-length")});return e.out?(await m(e.out,t),l.info(`wrote ${e.out} (${t.fields.length} fields)`)):g(t),n.pass}};export{x as command};
