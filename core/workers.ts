/**
 * Worker threads that run dialogym's own modules, from built JS and from TypeScript source alike.
 *
 * From built JS the worker is the sibling `.js` file. From source (tsx, vitest) it is TypeScript,
 * and tsx's loader does not reach workers reliably through `execArgv`, so a two-line bootstrap
 * registers tsx's ESM hooks inside the worker before importing the `.ts` entry.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `name` (without extension) that sits next to the module whose
 * `import.meta.url` is `callerUrl`.
 */
export function startModuleWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  // The package's ESM build of the API (require.resolve would pick the CJS one).
  const tsxRoot = dirname(createRequire(callerUrl).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** Default worker count for CPU-bound scripted work: one per core, at most `max`, none on one core. */
export function defaultWorkerCount(max = 4): number {
  const n = Math.min(max, availableParallelism());
  return n > 1 ? n : 0;
}
