import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{b as t}from"../chunks/chunk-PLLNMWDX.js";import"../chunks/chunk-XQTZ5SID.js";import"../chunks/chunk-X34QUMV5.js";import"../chunks/chunk-XU5NPQWZ.js";import{m as r}from"../chunks/chunk-AY57B4OH.js";import"../chunks/chunk-7SOMVUX7.js";await r(()=>t());
