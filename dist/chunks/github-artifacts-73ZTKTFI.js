import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a,b,c,d,e,f}from"./chunk-B36KMA3L.js";import"./chunk-E26G5FZX.js";import"./chunk-55RPZVZE.js";import"./chunk-3LHRBKTG.js";export{b as canPublishArtifacts,e as datasetArtifactName,d as fetchRun,f as publishDatasets,c as publishRun,a as runArtifactName};
