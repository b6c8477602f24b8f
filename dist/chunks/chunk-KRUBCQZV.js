import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{b as t,c as o,d as r,f as e}from"./chunk-B4NECB7L.js";var i="22.0.1";var a=t.plugin(o,e,r).defaults({userAgent:`octokit-rest.js/${i}`});export{a};
