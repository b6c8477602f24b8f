import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);
function r(n){process.stdout.write(JSON.stringify(n,null,2)+`
`)}export{r as a};
