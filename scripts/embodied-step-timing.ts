/**
 * Step cost of Embodied with the scripted Commander, under the random and expert agents (agent time
 * excluded), in µs:
 * - `env.step`: the whole step as a user calls it (the core's XState run, wrappers, records of the
 *   simulator turn, observation building included);
 * - `env + simulator logic` (v1 only): the env's and the Commander's own work per step — naming rule,
 *   world update, appliance effects, goal check, the robot's view, the Commander's turn and the sample
 *   actions — replayed on the same actions without the core, i.e. what the env adds to the core's floor.
 *
 *   npx tsx scripts/embodied-step-timing.ts [--env Embodied-v1] [--episodes 200]
 */
import '../envs/index.js';
import '../agents/index.js';
import { loadavg } from 'node:os';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { deriveSeed, Rng } from '../core/rng.js';
import { describeHereV1 } from '../envs/embodied/appearance.js';
import { parseCommand } from '../envs/embodied/planner.js';
import { type EmbodiedScenarioV1, sampleActions, worldStep } from '../envs/embodied/v1.js';
import { cloneWorld } from '../envs/embodied/world.js';
import type { CommanderInputV1 } from '../simulators/embodied/acts.js';
import { ScriptedCommanderV1 } from '../simulators/embodied/commander-v1.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const envId = arg('env', 'Embodied-v1');
const episodes = Number(arg('episodes', '200'));
if (!Number.isInteger(episodes) || episodes < 1 || !['Embodied-v0', 'Embodied-v1'].includes(envId)) {
  console.error('--episodes must be a positive integer and --env Embodied-v0 or Embodied-v1');
  process.exit(2);
}

const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(1);

console.log(`${envId}, ${episodes} episodes per agent; load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${process.env.HOSTNAME ?? 'this machine'}`);
const env = make(envId);
for (const name of ['random', 'expert']) {
  const agent = createAgent(name, { envId });
  const micros: number[] = [];
  const played: { scenario: EmbodiedScenarioV1; seed: number; actions: string[] }[] = [];
  for (let i = 0; i < episodes; i++) {
    const seed = i;
    let { observation } = await env.reset({ seed });
    await agent.reset?.({ envId, seed: deriveSeed(seed, 'agent') });
    const actions: string[] = [];
    for (;;) {
      const action = await agent.act(observation, 0);
      actions.push(action);
      const t0 = process.hrtime.bigint();
      const r = await env.step(action);
      micros.push(Number(process.hrtime.bigint() - t0) / 1000);
      observation = r.observation;
      if (r.terminated || r.truncated) break;
    }
    played.push({ scenario: env.scenario() as EmbodiedScenarioV1, seed, actions });
  }
  micros.sort((a, b) => a - b);
  console.log(`${name}: env.step over ${micros.length} steps: median ${q(micros, 0.5)} µs, p90 ${q(micros, 0.9)} µs`);
  if (envId !== 'Embodied-v1') continue;

  // The same actions through the env's and the Commander's own code, without the core.
  const logic: number[] = [];
  for (const p of played) {
    const world = cloneWorld(p.scenario.world);
    const task = p.scenario.task;
    const commander = new ScriptedCommanderV1({ scenario: p.scenario, rng: Rng.fromSeed(deriveSeed(p.seed, 'simulator')), config: { kind: 'scripted' } });
    commander.respond({ kind: 'start', world, task });
    let best = 0;
    for (const [i, action] of p.actions.entries()) {
      const t0 = process.hrtime.bigint();
      const cmd = parseCommand(action);
      if (cmd && cmd.verb !== 'done') {
        const { outcome, status } = worldStep(world, task, cmd);
        if (cmd.verb !== 'say') describeHereV1(world);
        const input: CommanderInputV1 = { kind: 'step', world, task, step: i + 1, command: cmd, outcome, status, progressed: status.satisfied > best, recent: [] };
        best = Math.max(best, status.satisfied);
        commander.respond(input);
        sampleActions({ world });
      }
      logic.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  logic.sort((a, b) => a - b);
  console.log(`${name}: env + simulator logic over ${logic.length} steps: median ${q(logic, 0.5)} µs, p90 ${q(logic, 0.9)} µs`);
}
await env.close();
