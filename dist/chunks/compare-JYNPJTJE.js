import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{e as a}from"./chunk-7SOMVUX7.js";var o={summary:"(not available yet)",usage:"mlci compare: not available yet",async run(){throw a("mlci compare is not available in this build yet")}};export{o as command};
