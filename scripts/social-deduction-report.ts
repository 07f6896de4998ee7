/**
 * Win rates and listening/speaking signals of the SocialDeduction-v0 baselines against the scripted
 * table, for the README. Runs sequentially in one process.
 *
 *   npx tsx scripts/social-deduction-report.ts [--games 500] [--seed 0] [--agents random,expert] [--json out.json]
 *
 * For each agent and each role (crewmate, imposter) it plays `--games` seeded games (seeds
 * seed .. seed+games-1) and reports: the agent's win rate with a 95% Wilson interval, how games
 * ended, the mean listening signal (a crewmate agent's survey probability on the imposter, per
 * survey) and the mean speaking signal (change in the summed probability the other living crewmates
 * put on the imposter across the agent's message, negated for an imposter, per message).
 */
import { writeFileSync } from 'node:fs';
import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { runEpisode } from '../core/rollout.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const games = Number(arg('games', '500'));
const seed0 = Number(arg('seed', '0'));
const agents = arg('agents', 'random,expert').split(',');
const jsonOut = arg('json', '');
const ID = 'SocialDeduction-v0';

function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 0];
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [c - h, c + h];
}

interface Row {
  agent: string;
  role: string;
  games: number;
  wins: number;
  winRate: number;
  ci: [number, number];
  endings: Record<string, number>;
  listeningMean: number | null;
  surveys: number;
  speakingMean: number | null;
  messages: number;
  meanSteps: number;
  meanReturn: number;
}

const rows: Row[] = [];
for (const agentName of agents) {
  for (const role of ['crewmate', 'imposter']) {
    const env = make(ID, { kwargs: { agentRole: role } });
    const agent = createAgent(agentName, { envId: ID });
    let wins = 0;
    let steps = 0;
    let ret = 0;
    let listening = 0;
    let surveys = 0;
    let speaking = 0;
    let messages = 0;
    const endings: Record<string, number> = {};
    for (let i = 0; i < games; i++) {
      const rec = await runEpisode({ env, agent, seed: seed0 + i, key: `${agentName}/${role}/${seed0 + i}` });
      const last = rec.turns[rec.turns.length - 1]?.info ?? rec.initialObservation.info;
      if (last.agentWon === true) wins += 1;
      endings[rec.termination.reason] = (endings[rec.termination.reason] ?? 0) + 1;
      steps += rec.totals.steps;
      ret += rec.totals.return;
      if (typeof last.listeningMean === 'number') {
        // listeningMean is per survey; weight games by their number of surveys.
        const n = rec.turns.filter((t) => t.action.trim().toUpperCase().startsWith('SURVEY') && !t.invalidAction).length;
        listening += last.listeningMean * n;
        surveys += n;
      }
      speaking += Number(last.speakingSum ?? 0);
      messages += Number(last.speakingCount ?? 0);
    }
    await env.close();
    rows.push({
      agent: agentName,
      role,
      games,
      wins,
      winRate: wins / games,
      ci: wilson(wins, games),
      endings,
      listeningMean: surveys ? listening / surveys : null,
      surveys,
      speakingMean: messages ? speaking / messages : null,
      messages,
      meanSteps: steps / games,
      meanReturn: ret / games,
    });
    process.stderr.write(`${agentName} as ${role}: ${wins}/${games}\n`);
  }
}

const f = (x: number | null, d = 3) => (x === null ? '—' : x.toFixed(d));
const lines = [
  `| agent | role | games | win rate (95% CI) | mean listening (per survey) | mean speaking (per message) | mean steps | mean return | endings |`,
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.agent} | ${r.role} | ${r.games} | ${f(r.winRate)} (${f(r.ci[0])}–${f(r.ci[1])}) | ${r.role === 'crewmate' ? `${f(r.listeningMean)} (n=${r.surveys})` : '—'} | ${f(r.speakingMean)} (n=${r.messages}) | ${r.meanSteps.toFixed(1)} | ${r.meanReturn.toFixed(3)} | ${Object.entries(
        r.endings,
      )
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
