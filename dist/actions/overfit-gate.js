import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{b as t}from"../chunks/chunk-SII5VEWV.js";import"../chunks/chunk-AZ2FYBOV.js";import"../chunks/chunk-XU5NPQWZ.js";import{m as r}from"../chunks/chunk-AL7GZVR6.js";import"../chunks/chunk-7SOMVUX7.js";await r(()=>t());
