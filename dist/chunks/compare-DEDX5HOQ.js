import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import"./chunk-SMNZ4YJN.js";import{b as a}from"./chunk-55RPZVZE.js";import"./chunk-3LHRBKTG.js";var o={summary:"(not available yet)",usage:"mlci compare: not available yet",async run(){throw a("mlci compare is not available in this build yet")}};export{o as command};
