import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{e as a}from"./chunk-7SOMVUX7.js";var o={summary:"(not available yet)",usage:"mlci drift: not available yet",async run(){throw a("mlci drift is not available in this build yet")}};export{o as command};
