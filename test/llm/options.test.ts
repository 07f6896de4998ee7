/** LLM flags and environment variables: resolution, config errors, preflight. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { addLlmOptions, type LlmCliOptions, llmFromOptions, preflight, setupLlm } from '../../cli/llm-options.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

let server: LoopbackServer;
let dir: string;

beforeAll(async () => {
  server = await startLoopbackServer({ models: ['sim-model'], requireApiKey: 'good-key-123' });
  dir = mkdtempSync(join(tmpdir(), 'dialogym-llm-opts-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function parse(argv: string[]): LlmCliOptions {
  const cmd = addLlmOptions(new Command('x').exitOverride().configureOutput({ writeErr: () => {} }));
  cmd.parse(argv, { from: 'user' });
  return cmd.opts() as LlmCliOptions;
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('flags', () => {
  it('parses every flag with its defaults', () => {
    expect(parse([])).toMatchObject({ maxConcurrency: 8, llmTimeout: 60_000, jsonMode: 'auto', maxRepairs: 2, preflight: true });
    expect(parse(['--no-cache']).cache).toBe(false);
    expect(parse(['--cache', 'd']).cache).toBe('d');
    expect(parse([]).cache).toBeUndefined();
    const o = parse(['--sim-temperature', '0.7', '--json-mode', 'text', '--max-concurrency', '3', '--llm-stream', '--no-preflight']);
    expect(o).toMatchObject({ simTemperature: 0.7, jsonMode: 'text', maxConcurrency: 3, llmStream: true, preflight: false });
  });

  it('rejects bad values', () => {
    expect(() => parse(['--json-mode', 'xml'])).toThrow(/--json-mode/);
    expect(() => parse(['--sim-temperature', '3'])).toThrow(/\[0, 2\]/);
    expect(() => parse(['--max-concurrency', '0'])).toThrow(/--max-concurrency/);
  });
});

describe('llmFromOptions', () => {
  it('a missing model is a ConfigError naming the flag and variable', () => {
    expect(configError(() => llmFromOptions({}, 'sim', { OPENAI_API_KEY: 'k' }))).toMatch(/--sim-model .*DIALOGYM_SIM_MODEL/);
    expect(configError(() => llmFromOptions({}, 'agent', { OPENAI_API_KEY: 'k' }))).toMatch(/--llm-model .*DIALOGYM_AGENT_MODEL/);
  });

  it('a missing key is a ConfigError, except on loopback', () => {
    expect(configError(() => llmFromOptions({ llmModel: 'gpt' }, 'agent', {}))).toMatch(/no API key .*api\.openai\.com.* OPENAI_API_KEY/);
    const local = llmFromOptions({ llmModel: 'm', llmBaseUrl: 'http://localhost:8000/v1' }, 'agent', {});
    expect(local.baseURL).toBe('http://localhost:8000/v1');
  });

  it('reads models and endpoints from the environment; flags win', () => {
    const env = {
      OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
      DIALOGYM_AGENT_MODEL: 'agent-env',
      DIALOGYM_SIM_MODEL: 'sim-env',
      DIALOGYM_SIM_BASE_URL: 'http://127.0.0.1:2/v1',
    };
    expect(llmFromOptions({}, 'agent', env).model).toBe('agent-env');
    const sim = llmFromOptions({}, 'sim', env);
    expect([sim.model, sim.baseURL]).toEqual(['sim-env', 'http://127.0.0.1:2/v1']);
    expect(llmFromOptions({ simModel: 'flag' }, 'sim', env).model).toBe('flag');
    // Without a simulator endpoint, the simulator uses the agent's.
    expect(llmFromOptions({ simModel: 's' }, 'sim', { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }).baseURL).toBe('http://127.0.0.1:1/v1');
  });

  it("never sends the agent's key to a different simulator host", () => {
    const msg = configError(() =>
      llmFromOptions({ simModel: 's', simBaseUrl: 'https://other.example.com/v1' }, 'sim', { OPENAI_API_KEY: 'sk-agent-secret' }),
    );
    expect(msg).toMatch(/DIALOGYM_SIM_API_KEY/);
    expect(msg).not.toContain('sk-agent-secret');
    expect(() => llmFromOptions({ simModel: 's' }, 'sim', { OPENAI_API_KEY: 'sk-agent-secret' })).not.toThrow();
  });

  it('bad URLs and price tables are ConfigErrors', () => {
    expect(configError(() => llmFromOptions({ llmModel: 'm', llmBaseUrl: 'nope' }, 'agent', { OPENAI_API_KEY: 'k' }))).toMatch(/not a URL/);
    expect(configError(() => llmFromOptions({ llmModel: 'm', llmBaseUrl: 'ftp://x/v1' }, 'agent', { OPENAI_API_KEY: 'k' }))).toMatch(/http/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"m": {"prompt": "cheap"}}');
    expect(configError(() => llmFromOptions({ llmModel: 'm', priceTable: bad }, 'agent', { OPENAI_API_KEY: 'k' }))).toMatch(/numeric/);
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"x": {"prompt": 1, "completion": 2}}');
    expect(configError(() => llmFromOptions({ llmModel: 'm', priceTable: other }, 'agent', { OPENAI_API_KEY: 'k' }))).toMatch(/no entry for model 'm'/);
    expect(configError(() => llmFromOptions({ llmModel: 'm', priceTable: join(dir, 'missing.json') }, 'agent', { OPENAI_API_KEY: 'k' }))).toMatch(/cannot read/);
  });
});

describe('preflight', () => {
  it('passes a live endpoint and warns about an unlisted model', async () => {
    const ok = llmFromOptions({ simModel: 'sim-model', simBaseUrl: server.url }, 'sim', { DIALOGYM_SIM_API_KEY: 'good-key-123' });
    expect(await preflight(ok)).toEqual({});
    const unlisted = llmFromOptions({ simModel: 'nope', simBaseUrl: server.url }, 'sim', { DIALOGYM_SIM_API_KEY: 'good-key-123' });
    expect((await preflight(unlisted)).warning).toMatch(/does not list model 'nope'/);
  });

  it('turns a refused key and a dead endpoint into one ConfigError line', async () => {
    const wrong = llmFromOptions({ simModel: 'sim-model', simBaseUrl: server.url }, 'sim', { DIALOGYM_SIM_API_KEY: 'sk-wrong-0123456' });
    const e1 = await preflight(wrong).catch((e) => e);
    expect(e1).toBeInstanceOf(ConfigError);
    expect(e1.message).toMatch(/refused/);
    expect(e1.message).not.toContain('sk-wrong-0123456');

    const dead = await startLoopbackServer();
    const url = dead.url;
    await dead.close();
    const e2 = await setupLlm({ simModel: 'm', simBaseUrl: url }, { sim: true, agent: false }).catch((e) => e);
    expect(e2).toBeInstanceOf(ConfigError);
    expect(e2.message).toMatch(/cannot use the simulator endpoint .*connection failed/);
    expect(e2.message).not.toContain('\n');
  });

  it('falls back to a 1-token completion on servers without /models', async () => {
    const s = await startLoopbackServer({ modelsRoute: false });
    try {
      const p = llmFromOptions({ llmModel: 'm', llmBaseUrl: s.url }, 'agent', {});
      expect(await preflight(p)).toEqual({});
      expect(s.stats.chatRequests).toBe(1);
      const wrongPath = llmFromOptions({ llmModel: 'm', llmBaseUrl: `${s.url}/nothing-here` }, 'agent', {});
      const e = await preflight(wrongPath).catch((err) => err);
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toMatch(/HTTP 404/);
    } finally {
      await s.close();
    }
  });
});
