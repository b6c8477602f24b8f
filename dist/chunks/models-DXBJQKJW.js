import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as y}from"./chunk-C74FYDGI.js";import{b as N,c as M,e as I,f as R}from"./chunk-2Q632WQN.js";import{h as A,n as v,p as E,r as k}from"./chunk-2NWKGAAZ.js";import{h as $,q as b}from"./chunk-XSMZIWHW.js";import"./chunk-7YNXF545.js";import{g as f}from"./chunk-VGFHQN5J.js";import{b as l,d as m,g as p,h as w}from"./chunk-RNEIOGTY.js";import"./chunk-3LHRBKTG.js";var S=`
mlci models: the model registry (versions, aliases such as champion, rollback, verified downloads)

usage:
  mlci models promote NAME --run RUN [--alias ALIAS] [--version X.Y.Z | --bump major|minor|patch]
                          [--require-gates] [--gates FILE]... [--model-path model/] [--no-alias]
  mlci models rollback NAME [--alias ALIAS]
  mlci models list [NAME]
  mlci models show NAME@ALIAS | NAME@vX.Y.Z | NAME
  mlci models download NAME@ALIAS|NAME@vX.Y.Z --to DIR
  mlci models export NAME@ALIAS|NAME@vX.Y.Z --tracking-uri URI [--mlflow-name NAME]

flags (every subcommand):
  --project DIR     project whose .mlci/ holds runs and the local registry (default: current directory)
  --json            print the result as JSON on stdout (logs stay on stderr)
  --github          use the GitHub registry (releases + tags) of $GITHUB_REPOSITORY with $GITHUB_TOKEN
  --backend B       local (default) or github
  --repo OWNER/NAME repository of the GitHub registry (default: $GITHUB_REPOSITORY)

promote registers the run's model files (its artifacts under model/) with a model card and SHA256SUMS as
the next version (tag NAME@vX.Y.Z, minor bump by default) and moves ALIAS (default champion) to it. It
exits 1 when --require-gates is set and a gate failed, 3 when another promotion moved the alias first.
export registers the version in an MLflow model registry (REST) with its aliases.
download verifies every file against its SHA-256 and writes nothing when one does not match.
`,j={project:{type:"string"},json:{type:"boolean"},github:{type:"boolean"},backend:{type:"string"},repo:{type:"string"},run:{type:"string"},alias:{type:"string"},"no-alias":{type:"boolean"},version:{type:"string"},bump:{type:"string"},"require-gates":{type:"boolean"},gates:{type:"string",multiple:!0},"model-path":{type:"string"},to:{type:"string"},"tracking-uri":{type:"string"},"mlflow-name":{type:"string"}};async function u(i){let a=i.github?"github":i.backend??"local";if(a!=="local"&&a!=="github")throw l(`--backend must be local or github, got "${a}"`);return k({backend:a,projectDir:i.project,repo:i.repo})}function g(i,a,h){if(i.length!==1)throw l(`mlci models ${h} takes one ${a}, got ${i.length}`,"run `mlci models --help`");return i[0]}var U={summary:"model registry: promote, rollback, list, show, download, export",usage:S,async run(i){let[a,...h]=i,{values:o,positionals:d}=f("models",h,j),c=(s,r)=>o.json?y(s):process.stdout.write(r+`
`);switch(a){case"promote":{let s=g(d,"model NAME",a);if(!o.run)throw l("mlci models promote needs --run RUN","name the run by id, id prefix or name (`mlci runs` lists them)");if(o.version&&o.bump)throw l("give --version or --bump, not both");if(o["no-alias"]&&o.alias)throw l("give --alias or --no-alias, not both");let{registry:r,store:e}=await u(o),n=await A(o.gates??[]);try{let t=await v({registry:r,store:e,name:s,run:o.run,alias:o["no-alias"]?null:o.alias,version:o.version,bump:o.bump?$(o.bump):void 0,requireGates:o["require-gates"],gates:n,modelPath:o["model-path"],logger:w});return c(t,`${p.green("registered")} ${t.tag}${t.reused?" (already registered)":""}`+(t.alias?`; ${s}@${t.alias} -> v${t.version}${t.previous?` (was v${t.previous})`:""}`:"")+`
  ${t.url}`),m.pass}catch(t){if(!(t instanceof b))throw t;return w.error(t.describe()),m.fail}}case"rollback":{let s=g(d,"model NAME",a),{registry:r}=await u(o),e=await E({registry:r,name:s,alias:o.alias});return c(e,`${s}@${e.alias}: v${e.previous} -> v${e.version} (rolled back)`),m.pass}case"list":{if(d.length>1)throw l("mlci models list takes at most one NAME");let{registry:s}=await u(o),r=await M(s,d[0]),e=r.length?[]:[`no registered models in ${s.location}`];for(let n of r){e.push(p.bold(n.name));for(let t of[...n.versions].reverse())e.push(`  v${t.version.padEnd(10)} run ${t.runId.slice(0,8)}  ${t.promotedAt}${t.aliases.length?`  ${p.green(t.aliases.join(", "))}`:""}`)}return c(r,e.join(`
`)),m.pass}case"show":{let s=g(d,"NAME@ALIAS or NAME@vX.Y.Z",a),{registry:r}=await u(o),e=await N(r,s),n=[`${p.bold(e.tag)}${e.aliases.length?`  (${e.aliases.join(", ")})`:""}`,`  run     ${e.runId}`,`  commit  ${e.commit??"none"}`,`  where   ${e.url}`,...Object.entries(e.metrics).map(([t,L])=>`  ${t} = ${L}`),"  files:",...e.assets.map(t=>`    ${t.sha256}  ${t.path}`)];return c(e,n.join(`
`)),m.pass}case"download":{let s=g(d,"NAME@ALIAS or NAME@vX.Y.Z",a);if(!o.to)throw l("mlci models download needs --to DIR");let{registry:r}=await u(o),e=await I(r,s,o.to);return c(e,`downloaded ${e.tag} to ${e.to} (${e.files.length} files, all checksums verified)`),m.pass}case"export":{let s=g(d,"NAME@ALIAS or NAME@vX.Y.Z",a),r=o["tracking-uri"]??process.env.MLFLOW_TRACKING_URI;if(!r)throw l("mlci models export needs --tracking-uri URI (or MLFLOW_TRACKING_URI)");let{registry:e}=await u(o),n=await R({registry:e,ref:s,trackingUri:r,mlflowName:o["mlflow-name"]});return c(n,`exported ${n.name} v${n.version} to MLflow as ${n.mlflowName} version ${n.mlflowVersion}${n.existed?" (already there)":""}${n.aliases.length?`; aliases ${n.aliases.join(", ")}`:""}`),m.pass}default:throw l(a?`unknown subcommand "models ${a}"`:"mlci models needs a subcommand","one of: promote, rollback, list, show, download, export (see `mlci models --help`)")}}};export{U as command};
