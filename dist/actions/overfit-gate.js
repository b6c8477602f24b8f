import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{b as t}from"../chunks/chunk-ZQN5QTSN.js";import"../chunks/chunk-AZ2FYBOV.js";import"../chunks/chunk-XU5NPQWZ.js";import{k as r}from"../chunks/chunk-AMPQF22E.js";import"../chunks/chunk-7SOMVUX7.js";await r(()=>t());
