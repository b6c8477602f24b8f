import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-7YNXF545.js";import"./chunk-VGFHQN5J.js";import"./chunk-RNEIOGTY.js";import"./chunk-3LHRBKTG.js";export{d as LocalStore,b as assertSha256,c as isSha256,a as lastValues,e as projectStore};
