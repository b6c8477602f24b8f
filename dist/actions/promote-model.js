import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{B as s,D as l,j as n}from"../chunks/chunk-5LBXIDBD.js";import"../chunks/chunk-BNFB5VDJ.js";import"../chunks/chunk-F3D6UPPF.js";import"../chunks/chunk-4Q524NXR.js";import{i}from"../chunks/chunk-OXN7KV7T.js";import{a as u}from"../chunks/chunk-MFS6GPGZ.js";import"../chunks/chunk-LO46KGB6.js";import"../chunks/chunk-WLH7CFOE.js";import"../chunks/chunk-SIS7GYFF.js";import{k as t}from"../chunks/chunk-P5EUATTR.js";import"../chunks/chunk-SF7SS2Q5.js";import"../chunks/chunk-3LHRBKTG.js";async function m(r){let{input:e,env:a}=r,p=await s(a.GITHUB_EVENT_PATH),{registry:d,store:g}=await r.backends(e.choice("backend",["auto","github","local"],"auto"),e.string("project")||"."),o=await l({registry:d,store:g,eventName:a.GITHUB_EVENT_NAME??"",ref:a.GITHUB_REF??"",sha:a.GITHUB_SHA??"",payload:p,name:e.optional("name"),run:e.optional("run"),resultFile:e.optional("result-file"),alias:e.string("alias")||"champion",version:e.optional("version"),bump:i(e.string("bump")||"minor"),requireGates:e.boolean("require-gates",!1),gates:await n(e.list("gate-files")),logger:r.logger});r.output("version",o.version),r.output("tag",o.tag),r.output("release-url",o.url),r.output("previous-holder",o.previous??""),r.output("run-id",o.runId);let c=o.alias?`\`${o.name}@${o.alias}\` \u2192 \`v${o.version}\`${o.previous?` (was \`v${o.previous}\`)`:""}`:"no alias moved";await r.summary(`### Model promoted

Registered \`${o.tag}\` from run \`${o.runId}\`${o.reused?" (already registered)":""}; ${c}.

Release: ${t(o.url)}

Rollback: \`mlci models rollback ${o.name} --alias ${o.alias??"champion"} --github\`
`)}await u(m);
