import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
function r(n,e){return n.status!=="FINISHED"||e.excludeRuns?.includes(n.id)||e.commit&&!n.lineage.git.commit?.startsWith(e.commit)?!1:!e.branch||n.lineage.git.branch===e.branch}export{r as a};
