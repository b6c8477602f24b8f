import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{e as a}from"./chunk-SHWSQMHT.js";var o={summary:"(not available yet)",usage:"mlci runs: not available yet",async run(){throw a("mlci runs is not available in this build yet")}};export{o as command};
