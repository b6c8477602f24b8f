import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{b as a,c as b,d as c}from"./chunk-C3G222VU.js";import"./chunk-P5EUATTR.js";import"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";export{a as datasetReleaseTag,c as fetchDatasetFromRelease,b as publishDatasetsToRelease};
