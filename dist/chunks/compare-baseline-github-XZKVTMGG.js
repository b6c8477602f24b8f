import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a}from"./chunk-KKQSMZWN.js";import"./chunk-3LHRBKTG.js";export{a as mainBaselineFromGitHub};
