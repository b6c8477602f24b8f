import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{e as o}from"./chunk-XYP3573G.js";import{c as t}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";async function i(r,n){let e=await o(r);try{return JSON.parse(e)}catch(s){throw t(`the ${n} is not valid JSON: ${s.message}`,{file:r})}}export{i as loadJsonFile};
