import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as f}from"./chunk-C74FYDGI.js";import{a as l}from"./chunk-ESHSAAKX.js";import"./chunk-E6U5JHS7.js";import{b as o,h as m,i as n}from"./chunk-XYP3573G.js";import{b as a,d as s,i}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";var h={summary:"write a starting Table Schema inferred from a dataset",usage:`
usage: mlci infer-schema DATA [--out FILE] [--sample-rows N] [--delimiter C] [--format F]

Reads the first records of DATA and writes a Table Schema: the narrowest type each column fits, required where
nothing is missing, an enum for low-cardinality strings, the observed range. Review it before you commit it.

  --out FILE         write the schema here (atomically) instead of stdout
  --sample-rows N    records to read, default 10000`,async run(d){let{values:e,positionals:r}=m("infer-schema",d,{out:{type:"string"},"sample-rows":{type:"string"},delimiter:{type:"string"},format:{type:"string"}});if(r.length!==1)throw a("give exactly one data file","mlci infer-schema DATA [--out schema.json]");let t=await l(r[0],{sampleRows:n("sample-rows",e["sample-rows"],1e4,{min:1}),delimiter:e.delimiter,format:e.format});return e.out?(await o(e.out,t),i.info(`wrote ${e.out} (${t.fields.length} fields)`)):f(t),s.pass}};export{h as command};
