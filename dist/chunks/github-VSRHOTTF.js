import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as b,b as c,c as d,d as e}from"./chunk-C4AUE3SQ.js";import"./chunk-SIS7GYFF.js";import{k as a}from"./chunk-34H4WGFU.js";import"./chunk-3LHRBKTG.js";export{b as createGitHubClient,d as describeGitHubError,a as pacingFromEnv,c as permissionFor,e as repoFromEnv};
