import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { inputError, writeFileAtomic } from '@mlci/core';
import { inspectModelDir } from '../model-dir';
import type { ModelInfo } from '../types';
import { renderDockerfile, type DockerfileOptions } from './dockerfile';

export interface ImageContextOptions {
  /** The model directory to bake in (as `mlci serve` takes it). */
  modelDir: string;
  /** Where to write the context; emptied first. */
  outDir: string;
  /** The bundled mlci (the directory holding cli.js and chunks/). */
  serverDist: string;
  /** Passed to renderDockerfile (bases, port, labels). */
  dockerfile?: Pick<DockerfileOptions, 'nodeImage' | 'pythonImage' | 'port' | 'labels'>;
}

export interface ImageContext {
  /** Absolute context directory: Dockerfile, .dockerignore, app/, model/, requirements.txt. */
  dir: string;
  model: ModelInfo;
  /** The Dockerfile text written. */
  dockerfile: string;
  /** Python packages the image installs (the model's requirements, adjusted for the loader). */
  requirements: string[];
}

/**
 * Writes a Docker build context that holds only what serving needs: the bundled server, the model files and
 * the model's Python requirements. The sklearn loader unpickles directly, so mlflow itself is dropped from the
 * requirements (PyYAML, which reads MLmodel, is added): the image is far smaller and starts faster.
 */
export async function buildImageContext(options: ImageContextOptions): Promise<ImageContext> {
  const model = await inspectModelDir(options.modelDir);
  const dist = resolve(options.serverDist);
  if (!(await stat(join(dist, 'cli.js')).catch(() => null)))
    throw inputError(`no bundled server (cli.js) in ${dist}`, { hint: 'build mlci first: node scripts/build.mjs' });
  const dir = resolve(options.outDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'app'), { recursive: true });
  await cp(join(dist, 'cli.js'), join(dir, 'app/cli.js'));
  for (const sub of ['chunks', 'workers'])
    if (await stat(join(dist, sub)).catch(() => null)) await cp(join(dist, sub), join(dir, 'app', sub), { recursive: true });
  // The bundle is ESM in .js files: say so beside it, as the repository's package.json does.
  await writeFileAtomic(
    join(dir, 'app/package.json'),
    JSON.stringify({ name: 'mlci-serve-image', private: true, type: 'module' }, null, 2) + '\n',
  );
  await cp(model.dir, join(dir, 'model'), { recursive: true, filter: (p) => !/(^|\/)(__pycache__|\.git)(\/|$)/.test(p) });

  let requirements = model.runtime === 'python' ? model.requirements : [];
  if (model.loader === 'sklearn')
    requirements = [
      ...requirements.filter((r) => !/^mlflow([-_a-z]*)?\b/i.test(r)),
      ...(requirements.some((r) => /^pyyaml\b/i.test(r)) ? [] : ['pyyaml']),
    ];
  if (requirements.length) await writeFileAtomic(join(dir, 'requirements.txt'), requirements.join('\n') + '\n');
  const dockerfile = renderDockerfile({ runtime: model.runtime, hasRequirements: requirements.length > 0, ...options.dockerfile });
  await writeFileAtomic(join(dir, 'Dockerfile'), dockerfile);
  await writeFileAtomic(join(dir, '.dockerignore'), '**/__pycache__\n**/.git\n');
  return { dir, model: await inspectModelDir(join(dir, 'model')), dockerfile, requirements };
}

/** Files in a context, relative, sorted (for logs and tests). */
export async function listContext(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else out.push(p);
    }
  };
  await walk('');
  return out.sort();
}
