/**
 * Does talk decide SocialDeduction games? Win rates per agent and role, with the scripted table
 * talking and muted, the paired gaps that matter, and how the Sarkar et al. shaping signals
 * (listening, speaking) go with winning. The figures of docs/envs/social-deduction.md.
 *
 *   npx tsx scripts/social-deduction-report.ts [--games 400] [--seed 0] [--env SocialDeduction-v1]
 *        [--agents random,silent,deaf,expert,oracle] [--json out.json]
 *
 * Every agent plays the same seeds (seed .. seed+games-1) in each condition, so gaps are paired:
 * the CI of a gap is a percentile bootstrap over seeds (2000 resamples). "muted" sets
 * `tableTalk: false` (the scripted players say nothing; they still listen, survey and vote).
 * Listening is the agent's mean survey probability on the imposter (crewmate); speaking is the
 * summed change its messages caused in the other crewmates' belief on the imposter (negated for the
 * imposter); both are read from `info` (analysis only) and correlated (point-biserial) with winning.
 */
import { writeFileSync } from 'node:fs';
import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { runEpisode } from '../core/rollout.js';
import { Rng } from '../core/rng.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const games = Number(arg('games', '400'));
const seed0 = Number(arg('seed', '0'));
const ID = arg('env', 'SocialDeduction-v1');
const agents = arg('agents', 'random,silent,deaf,expert,oracle').split(',');
const jsonOut = arg('json', '');
const conditions = ID === 'SocialDeduction-v0' ? [{ name: 'talking', kwargs: {} }] : [
  { name: 'talking', kwargs: { tableTalk: true } },
  { name: 'muted', kwargs: { tableTalk: false } },
];

function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 0];
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [c - h, c + h];
}

function pairedCI(a: number[], b: number[]): [number, number] {
  const rng = Rng.fromSeed(12345);
  const n = a.length;
  const ds: number[] = [];
  for (let k = 0; k < 2000; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const j = rng.int(0, n - 1);
      s += (a[j] as number) - (b[j] as number);
    }
    ds.push(s / n);
  }
  ds.sort((x, y) => x - y);
  return [ds[Math.floor(0.025 * ds.length)] as number, ds[Math.floor(0.975 * ds.length)] as number];
}

function pointBiserial(x: number[], won: number[]): number | null {
  const n = x.length;
  if (n < 3) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const mw = won.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let sww = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((x[i] as number) - mx) * ((won[i] as number) - mw);
    sxx += ((x[i] as number) - mx) ** 2;
    sww += ((won[i] as number) - mw) ** 2;
  }
  return sxx > 0 && sww > 0 ? sxy / Math.sqrt(sxx * sww) : null;
}

interface Cell {
  agent: string;
  role: string;
  condition: string;
  wins: number[];
  returns: number[];
  listening: { x: number; won: number }[];
  speaking: { x: number; won: number }[];
}

const cells: Cell[] = [];
const started = performance.now();
for (const cond of conditions) {
  for (const role of ['crewmate', 'imposter']) {
    for (const name of agents) {
      const env = make(ID, { kwargs: { agentRole: role, ...cond.kwargs } });
      const agent = createAgent(name, { envId: ID });
      const cell: Cell = { agent: name, role, condition: cond.name, wins: [], returns: [], listening: [], speaking: [] };
      for (let i = 0; i < games; i++) {
        const rec = await runEpisode({ env, agent, seed: seed0 + i, key: `${name}/${role}/${cond.name}/${seed0 + i}` });
        const last = rec.turns[rec.turns.length - 1]?.info ?? rec.initialObservation.info;
        const won = last.agentWon === true ? 1 : 0;
        cell.wins.push(won);
        cell.returns.push(rec.totals.return);
        if (typeof last.listeningMean === 'number') cell.listening.push({ x: last.listeningMean, won });
        if (Number(last.speakingCount ?? 0) > 0) cell.speaking.push({ x: Number(last.speakingSum), won });
      }
      await env.close();
      cells.push(cell);
      const w = cell.wins.reduce((a, b) => a + b, 0);
      process.stderr.write(`${cond.name} ${role} ${name}: ${w}/${games}\n`);
    }
  }
}

const f = (x: number | null, d = 3) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const out: string[] = [];
out.push(`${ID}: ${games} games per cell (seeds ${seed0}–${seed0 + games - 1}), scripted table, default kwargs; ${((performance.now() - started) / 1000).toFixed(0)} s`);
out.push('');
out.push('| role | agent | ' + conditions.map((c) => `win rate, table ${c.name} (95% CI)`).join(' | ') + ' | mean return (talking) |');
out.push('|---|---|' + conditions.map(() => '---|').join('') + '---|');
for (const role of ['crewmate', 'imposter']) {
  for (const name of agents) {
    const row = conditions.map((c) => {
      const cell = cells.find((x) => x.agent === name && x.role === role && x.condition === c.name) as Cell;
      const k = sum(cell.wins);
      const [lo, hi] = wilson(k, games);
      return `${f(k / games)} (${f(lo, 2)}–${f(hi, 2)})`;
    });
    const talk = cells.find((x) => x.agent === name && x.role === role && x.condition === 'talking') as Cell;
    out.push(`| ${role} | ${name} | ${row.join(' | ')} | ${f(sum(talk.returns) / games)} |`);
  }
}
out.push('');
out.push('Paired gaps in win rate (same seeds; 95% bootstrap CI):');
out.push('');
out.push('| role | condition | gap | difference | 95% CI |');
out.push('|---|---|---|---|---|');
const gaps: [string, string][] = [
  ['expert', 'silent'],
  ['expert', 'deaf'],
  ['expert', 'random'],
  ['oracle', 'expert'],
];
for (const cond of conditions) {
  for (const role of ['crewmate', 'imposter']) {
    for (const [a, b] of gaps) {
      const A = cells.find((x) => x.agent === a && x.role === role && x.condition === cond.name);
      const B = cells.find((x) => x.agent === b && x.role === role && x.condition === cond.name);
      if (!A || !B) continue;
      const [lo, hi] = pairedCI(A.wins, B.wins);
      out.push(`| ${role} | ${cond.name} | ${a} − ${b} | ${f((sum(A.wins) - sum(B.wins)) / games)} | [${f(lo)}, ${f(hi)}] |`);
    }
  }
}
for (const role of ['crewmate', 'imposter']) {
  for (const name of agents) {
    const on = cells.find((x) => x.agent === name && x.role === role && x.condition === 'talking');
    const off = cells.find((x) => x.agent === name && x.role === role && x.condition === 'muted');
    if (!on || !off) continue;
    const [lo, hi] = pairedCI(on.wins, off.wins);
    out.push(`| ${role} | talking − muted | ${name} | ${f((sum(on.wins) - sum(off.wins)) / games)} | [${f(lo)}, ${f(hi)}] |`);
  }
}
out.push('');
out.push('Shaping signals and winning (table talking; point-biserial correlation over games that have the signal):');
out.push('');
out.push('| role | agent | games with surveys | mean listening | corr(listening, win) | games with messages | mean speaking (sum per game) | corr(speaking, win) |');
out.push('|---|---|---|---|---|---|---|---|');
for (const role of ['crewmate', 'imposter']) {
  for (const name of agents) {
    const c = cells.find((x) => x.agent === name && x.role === role && x.condition === 'talking') as Cell;
    const lx = c.listening.map((v) => v.x);
    const sx = c.speaking.map((v) => v.x);
    out.push(
      `| ${role} | ${name} | ${lx.length} | ${lx.length ? f(sum(lx) / lx.length) : '—'} | ${f(pointBiserial(lx, c.listening.map((v) => v.won)))} | ${sx.length} | ${sx.length ? f(sum(sx) / sx.length) : '—'} | ${f(pointBiserial(sx, c.speaking.map((v) => v.won)))} |`,
    );
  }
}
process.stdout.write(`${out.join('\n')}\n`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(cells.map((c) => ({ ...c })), null, 0));
