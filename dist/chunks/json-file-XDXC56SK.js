import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{f as o}from"./chunk-P5EUATTR.js";import{c as t}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";async function i(r,n){let e=await o(r);try{return JSON.parse(e)}catch(s){throw t(`the ${n} is not valid JSON: ${s.message}`,{file:r})}}export{i as loadJsonFile};
