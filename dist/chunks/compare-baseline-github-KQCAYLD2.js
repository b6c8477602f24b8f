import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a}from"./chunk-ZZ3SX65W.js";import"./chunk-3LHRBKTG.js";export{a as mainBaselineFromGitHub};
