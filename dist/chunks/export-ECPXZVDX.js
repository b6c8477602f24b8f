import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{e as a}from"./chunk-SHWSQMHT.js";var m={summary:"(not available yet)",usage:"mlci export: not available yet",async run(){throw a("mlci export is not available in this build yet")}};export{m as command};
