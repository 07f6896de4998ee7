/**
 * Locating the data files dialogym ships in `data/`, from source (tsx), from the built `dist/`
 * and from an installed package alike: walk up from this module to the folder holding
 * dialogym's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'dialogym') {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the dialogym package root');
    dir = up;
  }
}

export function dataPath(...segments: string[]): string {
  return join(packageRoot(), 'data', ...segments);
}

const jsonCache = new Map<string, unknown>();

/** Reads and caches a JSON file under data/. */
export function loadDataJson<T>(...segments: string[]): T {
  const p = dataPath(...segments);
  let v = jsonCache.get(p);
  if (v === undefined) {
    v = JSON.parse(readFileSync(p, 'utf8'));
    jsonCache.set(p, v);
  }
  return v as T;
}
