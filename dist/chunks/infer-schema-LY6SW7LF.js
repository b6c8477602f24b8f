import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as u}from"./chunk-C74FYDGI.js";import{c as g}from"./chunk-US2Y3V4M.js";import{a as c,b as h}from"./chunk-SA7EJ3IO.js";import{c as d,i as f,j as o}from"./chunk-P5EUATTR.js";import{b as m,d as l,k as i}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var T={summary:"write a starting Table Schema inferred from a dataset",usage:`
usage: mlci infer-schema DATA [--out FILE] [--sample-rows N] [--delimiter C] [--format F]

Reads the first records of DATA and writes a Table Schema: the narrowest type each column fits, required where
nothing is missing, an enum for low-cardinality strings, the observed range. Review it before you commit it.
DATA may be \`-\` (stdin) or a pipe such as <(zcat data.csv.gz), with --format.

  --out FILE               write the schema here (atomically) instead of stdout
  --sample-rows N          records to read, default 10000
  --delimiter C            CSV delimiter (default "," and tab for .tsv)
  --format F               csv, jsonl or parquet (default: from the extension; required for stdin)
  --max-record-length N    longest CSV record or JSON line, in characters, default ${c}
  --max-field-length N     longest CSV field, in characters, default ${h}`,async run(p){let{values:e,positionals:s}=f("infer-schema",p,{out:{type:"string"},"sample-rows":{type:"string"},delimiter:{type:"string"},format:{type:"string"},"max-record-length":{type:"string"},"max-field-length":{type:"string"}});if(s.length!==1)throw m("give exactly one data file (or - for stdin)","mlci infer-schema DATA [--out schema.json]");let n=t=>e[t]===void 0?void 0:o(t,e[t],0,{min:1,max:2**29}),a="",r=await g(s[0],{onSample:({rows:t,more:w})=>a=w?`from the first ${t.toLocaleString("en-US")} rows (the file has more; --sample-rows N reads more)`:`from all ${t.toLocaleString("en-US")} rows`,sampleRows:o("sample-rows",e["sample-rows"],1e4,{min:1}),delimiter:e.delimiter,format:e.format,maxRecordLength:n("max-record-length"),maxFieldLength:n("max-field-length")});return e.out?(await d(e.out,r),i.info(`wrote ${e.out} (${r.fields.length} fields, inferred ${a})`)):(u(r),i.info(`inferred ${r.fields.length} fields ${a}`)),l.pass}};export{T as command};
