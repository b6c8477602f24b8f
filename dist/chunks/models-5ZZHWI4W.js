import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
import{a as b}from"./chunk-C74FYDGI.js";import{A as R,j as A,p as v,r as E,u as N,v as M,x as I,y as k}from"./chunk-5LBXIDBD.js";import"./chunk-BNFB5VDJ.js";import"./chunk-F3D6UPPF.js";import"./chunk-4Q524NXR.js";import{i as y,r as $}from"./chunk-OXN7KV7T.js";import{i as f}from"./chunk-P5EUATTR.js";import{b as l,d as m,j as p,k as h}from"./chunk-SF7SS2Q5.js";import"./chunk-3LHRBKTG.js";var S=`
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
  --backend B       auto (default: github inside a GitHub Actions job with a token, else local), local or github
  --repo OWNER/NAME repository of the GitHub registry (default: $GITHUB_REPOSITORY)

promote registers the run's model files (its artifacts under model/) with a model card and SHA256SUMS as
the next version (tag NAME@vX.Y.Z, minor bump by default) and moves ALIAS (default champion) to it. It
exits 1 when --require-gates is set and a gate failed, 3 when another promotion moved the alias first.
export registers the version in an MLflow model registry (REST) with its aliases.
download verifies every file against its SHA-256 and writes nothing when one does not match.
`,j={project:{type:"string"},json:{type:"boolean"},github:{type:"boolean"},backend:{type:"string"},repo:{type:"string"},run:{type:"string"},alias:{type:"string"},"no-alias":{type:"boolean"},version:{type:"string"},bump:{type:"string"},"require-gates":{type:"boolean"},gates:{type:"string",multiple:!0},"model-path":{type:"string"},to:{type:"string"},"tracking-uri":{type:"string"},"mlflow-name":{type:"string"}};async function u(i){let s=i.github?"github":i.backend??"auto";if(s!=="local"&&s!=="github"&&s!=="auto")throw l(`--backend must be auto, local or github, got "${s}"`);return k({store:s,registry:s,projectDir:i.project,repo:i.repo,logger:h})}function g(i,s,w){if(i.length!==1)throw l(`mlci models ${w} takes one ${s}, got ${i.length}`,"run `mlci models --help`");return i[0]}var U={summary:"model registry: promote, rollback, list, show, download, export",usage:S,async run(i){let[s,...w]=i,{values:o,positionals:c}=f("models",w,j),d=(r,a)=>o.json?b(r):process.stdout.write(a+`
`);switch(s){case"promote":{let r=g(c,"model NAME",s);if(!o.run)throw l("mlci models promote needs --run RUN","name the run by id, id prefix or name (`mlci runs` lists them)");if(o.version&&o.bump)throw l("give --version or --bump, not both");if(o["no-alias"]&&o.alias)throw l("give --alias or --no-alias, not both");let{registry:a,store:e}=await u(o),n=await A(o.gates??[]);try{let t=await v({registry:a,store:e,name:r,run:o.run,alias:o["no-alias"]?null:o.alias,version:o.version,bump:o.bump?y(o.bump):void 0,requireGates:o["require-gates"],gates:n,modelPath:o["model-path"],logger:h});return d(t,`${p.green("registered")} ${t.tag}${t.reused?" (already registered)":""}`+(t.alias?`; ${r}@${t.alias} -> v${t.version}${t.previous?` (was v${t.previous})`:""}`:"")+`
  ${t.url}`),m.pass}catch(t){if(!(t instanceof $))throw t;return h.error(t.describe()),m.fail}}case"rollback":{let r=g(c,"model NAME",s),{registry:a}=await u(o),e=await E({registry:a,name:r,alias:o.alias});return d(e,`${r}@${e.alias}: v${e.previous} -> v${e.version} (rolled back)`),m.pass}case"list":{if(c.length>1)throw l("mlci models list takes at most one NAME");let{registry:r}=await u(o),a=await M(r,c[0]),e=a.length?[]:[`no registered models in ${r.location}`];for(let n of a){e.push(p.bold(n.name));for(let t of[...n.versions].reverse())e.push(`  v${t.version.padEnd(10)} run ${t.runId.slice(0,8)}  ${t.promotedAt}${t.aliases.length?`  ${p.green(t.aliases.join(", "))}`:""}`)}return d(a,e.join(`
`)),m.pass}case"show":{let r=g(c,"NAME@ALIAS or NAME@vX.Y.Z",s),{registry:a}=await u(o),e=await N(a,r),n=[`${p.bold(e.tag)}${e.aliases.length?`  (${e.aliases.join(", ")})`:""}`,`  run     ${e.runId}`,`  commit  ${e.commit??"none"}`,`  where   ${e.url}`,...Object.entries(e.metrics).map(([t,L])=>`  ${t} = ${L}`),"  files:",...e.assets.map(t=>`    ${t.sha256}  ${t.path}`)];return d(e,n.join(`
`)),m.pass}case"download":{let r=g(c,"NAME@ALIAS or NAME@vX.Y.Z",s);if(!o.to)throw l("mlci models download needs --to DIR");let{registry:a}=await u(o),e=await I(a,r,o.to);return d(e,`downloaded ${e.tag} to ${e.to} (${e.files.length} files, all checksums verified)`),m.pass}case"export":{let r=g(c,"NAME@ALIAS or NAME@vX.Y.Z",s),a=o["tracking-uri"]??process.env.MLFLOW_TRACKING_URI;if(!a)throw l("mlci models export needs --tracking-uri URI (or MLFLOW_TRACKING_URI)");let{registry:e}=await u(o),n=await R({registry:e,ref:r,trackingUri:a,mlflowName:o["mlflow-name"]});return d(n,`exported ${n.name} v${n.version} to MLflow as ${n.mlflowName} version ${n.mlflowVersion}${n.existed?" (already there)":""}${n.aliases.length?`; aliases ${n.aliases.join(", ")}`:""}`),m.pass}default:throw l(s?`unknown subcommand "models ${s}"`:"mlci models needs a subcommand","one of: promote, rollback, list, show, download, export (see `mlci models --help`)")}}};export{U as command};
