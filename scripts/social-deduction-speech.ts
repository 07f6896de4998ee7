/**
 * Can the imposter be read off its wording? The speech-classifier figure of
 * docs/envs/social-deduction.md.
 *
 *   npx tsx scripts/social-deduction-speech.ts [--games 600] [--seed 0] [--envs SocialDeduction-v0,SocialDeduction-v1]
 *
 * For each env it plays `--games` games with the expert in a crewmate seat against the scripted
 * table and collects every line a scripted player said (speaker, role, game). Games are split 70/30
 * into train and held-out test *by game*.
 *
 * 1. Wording: a logistic regression on bags of word 1- and 2-grams (player colours, room names and
 *    numbers replaced by placeholders, so it learns wording rather than who happened to be the
 *    imposter), class-weighted, L2, trained by full-batch gradient descent. Reported: balanced
 *    accuracy (mean of the per-class recalls; 50 % = chance whatever the class sizes) and AUC on the
 *    held-out games, and its most imposter-like n-grams.
 * 2. Content: a reasoner with no training that reads the same held-out lines from the seat of the
 *    crewmate agent and checks each claim against what that seat saw (`checkClaim` of the v1 mind): a
 *    line is called an imposter's when a claim in it is refuted, or its speaker was caught in a
 *    refuted claim earlier in the game.
 *
 * The issue's bar: the wording classifier ≤ 60 % balanced accuracy on v1, the reasoner above it.
 */
import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { readEntry, readInstructions } from '../agents/social-deduction/read.js';
import { make } from '../core/registry.js';
import { Rng } from '../core/rng.js';
import type { TranscriptEntry } from '../core/types.js';
import type { SocialScenario } from '../envs/social-deduction/config.js';
import { checkClaim, DEFAULT_NPC_PARAMS, newNpc, observeNpc } from '../simulators/social-deduction/npc.js';
import { parseTalk } from '../simulators/social-deduction/talk.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const games = Number(arg('games', '600'));
const seed0 = Number(arg('seed', '0'));
const envs = arg('envs', 'SocialDeduction-v0,SocialDeduction-v1').split(',');

interface Line {
  game: number;
  speaker: string;
  imposter: boolean;
  text: string;
  /** The content reasoner's call (v1 mind from the agent's seat). */
  refuted: boolean;
}

async function collect(envId: string): Promise<Line[]> {
  const env = make(envId, { kwargs: { agentRole: 'crewmate' } });
  const agent = createAgent('expert', { envId });
  const lines: Line[] = [];
  for (let g = 0; g < games; g++) {
    const seed = seed0 + g;
    let { observation } = await env.reset({ seed });
    await agent.reset?.({ envId, seed });
    for (;;) {
      const r = await env.step(await agent.act(observation, 0));
      observation = r.observation;
      if (r.terminated || r.truncated) break;
    }
    const scenario = env.scenario() as unknown as SocialScenario;
    lines.push(...judge(g, observation.instructions, observation.transcript, scenario));
  }
  await env.close();
  return lines;
}

/** Replays the agent's transcript through a v1 crewmate mind, checking each scripted line before hearing it. */
function judge(game: number, instructions: string, transcript: TranscriptEntry[], scenario: SocialScenario): Line[] {
  const f = readInstructions(instructions);
  if (!f) return [];
  const mind = newNpc(f.self, 'crewmate', [], f.setup, DEFAULT_NPC_PARAMS);
  const rng = Rng.fromSeed(game);
  const liars = new Set<string>();
  const out: Line[] = [];
  let lastSee = 0;
  for (const t of transcript) {
    const e = readEntry(t, f.self, f.setup);
    if (t.role !== 'game' && t.role !== 'agent' && e?.kind === 'message') {
      let refuted = liars.has(t.role);
      if (mind.meeting && !refuted) {
        for (const c of parseTalk(t.text, t.role, f.setup)) {
          if (checkClaim(mind, t.role, c).refuted) refuted = true;
        }
      }
      if (refuted) liars.add(t.role);
      out.push({ game, speaker: t.role, imposter: scenario.imposters.includes(t.role), text: t.text, refuted });
    }
    if (!e) continue;
    if (e.kind === 'see') lastSee = e.t;
    if (e.kind === 'witness' || e.kind === 'killed') e.t = lastSee;
    if (e.kind === 'message' && e.speaker === f.self) continue;
    observeNpc(mind, [e], f.setup, DEFAULT_NPC_PARAMS, rng);
  }
  return out;
}

// ---- the wording classifier --------------------------------------------------------------------

function tokens(text: string, players: readonly string[], rooms: readonly string[]): string[] {
  let s = ` ${text.toLowerCase().replace(/[’`]/g, "'")} `;
  for (const r of rooms) s = s.split(r.toLowerCase()).join(' <room> ');
  for (const p of players) s = s.replace(new RegExp(`\\b${p.toLowerCase()}\\b`, 'g'), ' <player> ');
  s = s.replace(/\d+/g, ' <n> ');
  const words = s.match(/<[a-z]+>|[a-z']+|[!?.,]/g) ?? [];
  const out = [...words];
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]} ${words[i + 1]}`);
  return out;
}

interface Model {
  w: Float64Array;
  b: number;
  vocab: Map<string, number>;
}

function featurize(texts: string[][], vocab: Map<string, number>, grow: boolean): number[][] {
  return texts.map((toks) => {
    const ids = new Set<number>();
    for (const t of toks) {
      let id = vocab.get(t);
      if (id === undefined && grow) {
        id = vocab.size;
        vocab.set(t, id);
      }
      if (id !== undefined) ids.add(id);
    }
    return [...ids];
  });
}

function train(x: number[][], y: number[], dims: number, epochs = 300, lr = 0.5, l2 = 1e-3): Model {
  const w = new Float64Array(dims);
  let b = 0;
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  // Class weights: each class counts as half of the data.
  const cw = [y.length / (2 * Math.max(1, neg)), y.length / (2 * Math.max(1, pos))];
  for (let e = 0; e < epochs; e++) {
    const g = new Float64Array(dims);
    let gb = 0;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number[];
      let z = b;
      for (const j of xi) z += w[j] as number;
      const p = 1 / (1 + Math.exp(-z));
      const err = ((p - (y[i] as number)) * (cw[y[i] as number] as number)) / x.length;
      for (const j of xi) g[j] = (g[j] as number) + err;
      gb += err;
    }
    for (let j = 0; j < dims; j++) w[j] = (w[j] as number) - lr * ((g[j] as number) + l2 * (w[j] as number));
    b -= lr * gb;
  }
  return { w, b, vocab: new Map() };
}

function score(m: Model, xi: number[]): number {
  let z = m.b;
  for (const j of xi) z += m.w[j] as number;
  return 1 / (1 + Math.exp(-z));
}

function balancedAccuracy(pred: boolean[], y: boolean[]): number {
  let tp = 0;
  let fn = 0;
  let tn = 0;
  let fp = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i]) pred[i] ? tp++ : fn++;
    else pred[i] ? fp++ : tn++;
  }
  return 0.5 * (tp / Math.max(1, tp + fn) + tn / Math.max(1, tn + fp));
}

function auc(scores: number[], y: boolean[]): number {
  const idx = scores.map((s, i) => ({ s, y: y[i] as boolean })).sort((a, b) => a.s - b.s);
  let rank = 0;
  let sumPos = 0;
  let nPos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && idx[j]?.s === idx[i]?.s) j++;
    const avg = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (idx[k]?.y) {
      sumPos += avg;
      nPos++;
    }
    rank = j;
    i = j;
  }
  const nNeg = idx.length - nPos;
  void rank;
  return nPos && nNeg ? (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg) : Number.NaN;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const started = performance.now();
const report: string[] = [];
for (const envId of envs) {
  const lines = await collect(envId);
  const players = ['Red', 'Blue', 'Green', 'Yellow', 'Purple', 'Orange', 'Cyan', 'Pink', 'Lime', 'White'];
  const rooms = ['Cafeteria', 'Weapons', 'Navigation', 'Storage', 'Electrical', 'Reactor'];
  const cut = Math.floor(games * 0.7);
  const trainL = lines.filter((l) => l.game < cut);
  const testL = lines.filter((l) => l.game >= cut);
  const vocab = new Map<string, number>();
  const xTrain = featurize(trainL.map((l) => tokens(l.text, players, rooms)), vocab, true);
  const xTest = featurize(testL.map((l) => tokens(l.text, players, rooms)), vocab, false);
  const model = train(xTrain, trainL.map((l) => (l.imposter ? 1 : 0)), vocab.size);
  const s = xTest.map((xi) => score(model, xi));
  const y = testL.map((l) => l.imposter);
  const clsBA = balancedAccuracy(s.map((v) => v > 0.5), y);
  const clsAUC = auc(s, y);
  const trainBA = balancedAccuracy(xTrain.map((xi) => score(model, xi) > 0.5), trainL.map((l) => l.imposter));
  const reasonerBA = balancedAccuracy(testL.map((l) => l.refuted), y);
  const recall = testL.filter((l) => l.imposter && l.refuted).length / Math.max(1, testL.filter((l) => l.imposter).length);
  const falseAlarm = testL.filter((l) => !l.imposter && l.refuted).length / Math.max(1, testL.filter((l) => !l.imposter).length);
  const names = [...vocab.keys()];
  const top = names
    .map((n, j) => ({ n, w: model.w[j] as number }))
    .sort((a, b) => b.w - a.w)
    .slice(0, 6)
    .map((t) => `"${t.n}" ${t.w.toFixed(2)}`);
  report.push(
    `${envId}: ${lines.length} scripted lines from ${games} games (${lines.filter((l) => l.imposter).length} by imposters); train ${trainL.length} lines / ${cut} games, held out ${testL.length} lines / ${games - cut} games`,
    `  wording (bag of 1-2-grams, logistic regression): held-out balanced accuracy ${pct(clsBA)}, AUC ${clsAUC.toFixed(3)} (train ${pct(trainBA)})`,
    `    most imposter-like n-grams: ${top.join(', ')}`,
    `  content (claims checked against the crewmate seat's own sightings): held-out balanced accuracy ${pct(reasonerBA)} (imposter lines caught ${pct(recall)}, crewmate lines wrongly flagged ${pct(falseAlarm)})`,
    '',
  );
  process.stderr.write(`${envId} done\n`);
}
report.push(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
process.stdout.write(`${report.join('\n')}\n`);
