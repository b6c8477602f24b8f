import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-FRLIGJNA.js";import"./chunk-SIS7GYFF.js";import"./chunk-55RPZVZE.js";import"./chunk-3LHRBKTG.js";export{a as createGitHubClient,c as describeGitHubError,b as permissionFor,d as repoFromEnv};
