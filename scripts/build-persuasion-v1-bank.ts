/**
 * Builds data/persuasionforgood/reply-bank-v1.json, the corpus wording of the Persuasion-v1
 * persuadee, from the shipped dialogues (fit split only, so that held-out replays never hear their
 * own persuadee's lines):
 *
 *   npx tsx scripts/build-persuasion-v1-bank.ts
 *
 * Each persuadee sentence is categorised as v0 mined them (greeting, reaction, question about the
 * charity, concern, agreement with an amount, refusal, goodbye), reactions to sad content get their
 * own category, questions about the charity are split by what they ask (what it does, where it works),
 * and every line records its *grounding stems*: the rare content words it relies on (a place, a
 * number of children, "vaccines"). At run time a line is only used when the persuader has said those
 * words, so a reply never refers to something nobody mentioned.
 */
import { writeFileSync } from 'node:fs';
import { dataPath } from '../core/data.js';
import { splitSentences } from '../simulators/persuasion/recogniser.js';
import { categorise } from '../simulators/persuasion/phrases.js';
import { corpusDialogues } from '../simulators/persuasion/resources.js';
import { stem, STOP_WORDS } from '../simulators/persuasion/v1/bank.js';
import { tokens } from '../simulators/persuasion/v1/perception.js';

const SAD = /\b(sad|terrible|awful|heartbreak\w*|horrible|tragic|heart ?breaking|unfortunate|devastating|scary|shame|that sucks)\b/i;
const fit = corpusDialogues().filter((d) => d.split === 'fit');
const lines: { text: string; category: string }[] = [];
for (const d of fit) {
  d.persuadee.forEach((turn, i) => {
    if (!turn) return;
    for (const s of splitSentences(turn)) {
      const c = categorise(s, i);
      if (!c) continue;
      let category = c.category;
      if ((category === 'positive' || category === 'neutral' || category === 'skeptical') && SAD.test(s) && !/\?/.test(s)) category = 'react-sad';
      else if (category === 'positive') category = 'react-good';
      else if (category === 'neutral') category = 'react-neutral';
      else if (category === 'ask-org') {
        category = /\bwhere\b|which countr|what countr|locat|based|\bus\b|u\.s|america|abroad|overseas/i.test(s)
          ? 'ask-where'
          : /\bwhat (do|does|is|are|kind)|\babout\b|\bwhat.*\b(do|doing)\b/i.test(s)
            ? 'ask-what'
            : 'ask-org';
      }
      lines.push({ text: c.text, category });
    }
  });
}
// Document frequency of stems over the persuadee lines: frequent words ("great", "kids", "charity")
// need no grounding; rare ones do.
const df = new Map<string, number>();
for (const l of lines) for (const s of new Set(tokens(l.text).map(stem))) df.set(s, (df.get(s) ?? 0) + 1);
const threshold = Math.max(3, Math.round(lines.length * 0.004));
const bank: Record<string, { text: string; need: string[] }[]> = {};
const seen = new Set<string>();
for (const l of lines) {
  const key = `${l.category}|${l.text.toLowerCase()}`;
  if (seen.has(key)) continue;
  seen.add(key);
  const need = [
    ...new Set(
      tokens(l.text.replace('{amount}', ''))
        .filter((w) => w.length > 3 && !STOP_WORDS.has(w))
        .map(stem)
        .filter((s) => (df.get(s) ?? 0) < threshold),
    ),
  ];
  const list = bank[l.category] ?? [];
  list.push({ text: l.text, need });
  bank[l.category] = list;
}
for (const k of Object.keys(bank)) bank[k]?.sort((a, b) => a.text.localeCompare(b.text));
writeFileSync(dataPath('persuasionforgood', 'reply-bank-v1.json'), `${JSON.stringify(bank)}\n`);
console.log(`reply bank v1 from ${fit.length} fit dialogues: ${Object.entries(bank).map(([k, v]) => `${k} ${v.length}`).join(', ')}`);
