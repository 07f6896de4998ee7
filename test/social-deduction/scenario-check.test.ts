import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { ConfigError } from '../../core/errors.js';
import { make } from '../../core/registry.js';
import { SchemaError } from '../../core/schema.js';

describe('SocialDeduction-v0 scenario checks', () => {
  it('rejects, at reset, a scenario whose agent is not one of the players', async () => {
    const env = make('SocialDeduction-v0');
    await env.reset({ seed: 4 });
    const scenario = structuredClone(env.scenario());
    const outsider = ['Red', 'Blue', 'Green', 'Yellow', 'Purple', 'Orange', 'Pink', 'Black', 'White', 'Cyan'].find(
      (c) => !scenario.players.includes(c),
    );
    scenario.agent = outsider;
    const err = await env.reset({ seed: 4, options: { scenario } }).catch((e: unknown) => e);
    expect(err instanceof ConfigError || err instanceof SchemaError).toBe(true);
    expect(String((err as Error).message)).toMatch(/agent|players/);
    // The env still works afterwards with a good scenario.
    const ok = await env.reset({ seed: 4 });
    expect(ok.observation.instructions).toMatch(/social deduction/);
  });
});
