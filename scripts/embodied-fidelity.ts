/**
 * How the Embodied-v1 Commander compares with people, and how held-out its test phrasings are.
 *
 *   npx tsx scripts/embodied-fidelity.ts [--episodes 300] [--agent expert]
 *
 * 1. Dialogue acts: the Commander's spoken acts (OBSERVE left out) over `--episodes` dev-split
 *    episodes with the given follower, against the Commander side of TEACh-DA (Gella et al. 2022;
 *    data/embodied/teach-da-acts.json): share per act, turns per episode, and the total variation
 *    distance. Answers depend on what the follower says (the expert neither greets nor says "ok").
 * 2. Held-out phrasing: word 4-grams of the Commander's utterances on the test split that never occur
 *    on the dev split (`dev A`), against the same share for another set of dev seeds (`dev B`, same
 *    size): the difference is what the test phrasings add beyond new worlds and tasks.
 */
import { readFileSync } from 'node:fs';
import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { deriveSeed } from '../core/rng.js';
import { splitSeeds } from '../eval/splits.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const episodes = Number(arg('episodes', '300'));
const agentName = arg('agent', 'expert');
if (!Number.isInteger(episodes) || episodes < 2) {
  console.error('--episodes must be an integer ≥ 2');
  process.exit(2);
}
const ENV = 'Embodied-v1';

interface Turn {
  act: string;
  utterance?: string;
}

async function run(seeds: number[]): Promise<Turn[]> {
  const env = make(ENV);
  const agent = createAgent(agentName, { envId: ENV });
  const turns: Turn[] = [];
  for (const seed of seeds) {
    let { observation, info } = await env.reset({ seed });
    await agent.reset?.({
      envId: ENV,
      seed: deriveSeed(seed, 'agent'),
      ...(agent.privileged ? { privileged: { scenario: structuredClone(env.scenario()) } } : {}),
    });
    turns.push(...((info.simulatorTurns ?? []) as Turn[]));
    let reward = 0;
    for (;;) {
      const r = await env.step(await agent.act(observation, reward));
      turns.push(...((r.info.simulatorTurns ?? []) as Turn[]));
      observation = r.observation;
      info = r.info;
      reward = r.reward;
      if (r.terminated || r.truncated) break;
    }
  }
  await env.close();
  return turns;
}

const started = Date.now();
const devSeeds = splitSeeds(ENV, 'dev', 2 * episodes);
const devA = await run(devSeeds.slice(0, episodes));
const devB = await run(devSeeds.slice(episodes));
const test = await run(splitSeeds(ENV, 'test', episodes));

// 1. Acts
const teach = JSON.parse(readFileSync(new URL('../data/embodied/teach-da-acts.json', import.meta.url), 'utf8')) as {
  acts: { act: string; utterances: number; commanderShare: number }[];
};
const human = new Map(teach.acts.map((a) => [a.act, a.utterances * a.commanderShare]));
const humanTotal = [...human.values()].reduce((s, x) => s + x, 0);
const ours = new Map<string, number>();
let observe = 0;
for (const t of devA) {
  if (t.act === 'OBSERVE') observe++;
  else ours.set(t.act, (ours.get(t.act) ?? 0) + 1);
}
const oursTotal = [...ours.values()].reduce((s, x) => s + x, 0);
const acts = [...new Set([...human.keys(), ...ours.keys()])].sort((a, b) => (human.get(b) ?? 0) - (human.get(a) ?? 0));
let tv = 0;
const pct = (x: number) => (100 * x).toFixed(1);
console.log(`${ENV}, ${agentName} follower, ${episodes} dev episodes: ${oursTotal} spoken Commander turns, ${observe} OBSERVE (${pct(observe / (observe + oursTotal))} % of turns)\n`);
console.log('| act | TEACh-DA Commander % | simulated % |');
console.log('|---|---:|---:|');
for (const a of acts) {
  const h = (human.get(a) ?? 0) / humanTotal;
  const o = (ours.get(a) ?? 0) / oursTotal;
  tv += Math.abs(h - o) / 2;
  console.log(`| ${a} | ${pct(h)} | ${pct(o)} |`);
}
console.log(`\nTotal variation distance: ${tv.toFixed(3)}`);
// The acts the Commander takes on its own initiative or in answer to requests for help and places,
// which the expert makes; the rest answer greetings, "ok"s and yes/no questions, which it does not.
const OWN = ['Instruction', 'InformationOnObjectDetails', 'InformationOther', 'FeedbackPositive', 'FeedbackNegative'];
const hOwn = OWN.reduce((s, a) => s + (human.get(a) ?? 0), 0);
const oOwn = OWN.reduce((s, a) => s + (ours.get(a) ?? 0), 0);
let tvOwn = 0;
for (const a of OWN) tvOwn += Math.abs((human.get(a) ?? 0) / hOwn - (ours.get(a) ?? 0) / (oOwn || 1)) / 2;
console.log(`Over ${OWN.join(', ')} only (renormalised): ${tvOwn.toFixed(3)}`);
const perEpisode = (a: string) => ((ours.get(a) ?? 0) / episodes).toFixed(2);
console.log(`Per episode: ${OWN.map((a) => `${a} ${perEpisode(a)}`).join(', ')}; all spoken ${(oursTotal / episodes).toFixed(2)}`);

// 2. Held-out phrasing
const grams = (turns: Turn[]): string[] => {
  const out: string[] = [];
  for (const t of turns) {
    const w = (t.utterance ?? '').toLowerCase().replace(/[^a-z' ]+/g, ' ').split(/\s+/).filter(Boolean);
    for (let i = 0; i + 4 <= w.length; i++) out.push(w.slice(i, i + 4).join(' '));
  }
  return out;
};
const seen = new Set(grams(devA));
const novel = (turns: Turn[]) => {
  const g = grams(turns);
  return g.filter((x) => !seen.has(x)).length / (g.length || 1);
};
console.log(`\nWord 4-grams of Commander utterances never seen in dev A (${episodes} dev episodes):`);
console.log(`- dev B (${episodes} other dev episodes, train phrasings): ${pct(novel(devB))} %`);
console.log(`- test (${episodes} test episodes, test phrasings): ${pct(novel(test))} %`);
console.error(`elapsed ${((Date.now() - started) / 1000).toFixed(0)} s`);
