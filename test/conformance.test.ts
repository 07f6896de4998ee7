/**
 * Every registered env, present and future, must pass `checkEnv`. Registering an env is enough
 * to have it checked here.
 */
import { describe, expect, it } from 'vitest';
import '../index.js';
import { checkEnv } from '../core/checker.js';
import { listEnvs, make } from '../core/registry.js';

const envs = listEnvs({ includeTests: true });

describe('conformance', () => {
  it('has registered envs', () => {
    expect(envs.length).toBeGreaterThan(0);
  });
  for (const reg of envs) {
    it(`${reg.id} passes checkEnv`, async () => {
      const report = await checkEnv(() => make(reg.id));
      expect(report.failures).toEqual([]);
    });
  }
});
