/**
 * SocialDeduction-v1's reader of table talk: free text → claims that players can check against what
 * they saw. It reads every phrase of `phrases.ts` exactly (tested variant by variant) and the common
 * paraphrases a person or a language model writes ("Red is the imposter", "I was in Storage at tick 5",
 * "Blue is lying", "Green is innocent"), one sentence at a time, with negation.
 *
 * Ticks make claims checkable: "I saw Red in the Weapons at tick 12" is refuted by anyone who saw Red
 * elsewhere at tick 12, or who stood in the Weapons at tick 12 and did not see Red.
 */
export type Claim =
  | { kind: 'where'; room: number; from: number | null; to: number | null }
  /** `targets` were seen in `room` at tick t (`other` there too: "I saw Red and Green with Blue ..."). */
  | { kind: 'saw'; targets: string[]; room: number; t: number | null; other: string | null }
  | { kind: 'kill'; killer: string; victim: string | null; room: number | null }
  | { kind: 'found'; victim: string | null; room: number | null }
  | { kind: 'accuse'; target: string }
  | { kind: 'lying'; target: string }
  | { kind: 'clear'; target: string }
  | { kind: 'deny' }
  | { kind: 'skip' }
  | { kind: 'nothing' }
  | { kind: 'confess' };

export interface Lexicon {
  players: readonly string[];
  roomNames: readonly string[];
}

const KILL = /\b(kill(?:ed|s|ing)?|murder(?:ed|s|ing)?|stab(?:bed|s)?|slay|slew)\b/;
const NEG = /\b(not|never|didn'?t|did not|isn'?t|wasn'?t|no way|don'?t|doesn'?t)\b/;
const LYING = /\b(lying|liar|lies|lied|not true|doesn'?t add up|made (?:it|that) up|false)\b/;
const DENY = /\b(wasn'?t me|not me|i'?m not the imp(?:o|a)ster|i am not the imp(?:o|a)ster|i didn'?t do it|i did not do it|i'?m innocent|i am innocent)\b/;
const CLEAR = /\b(innocent|not the imp(?:o|a)ster|not sus|is safe|is clear|cleared|trust|vouch)\b/;
const SUS = /\b(sus|suss|suspicious|suspect|imp(?:o|a)ster|killer|murderer|guilty|vote(?:d|s)?|voting|eject|it was|did it|shady|sketchy)\b/;
const SAW = /\b(saw|seen|see|spotted|noticed|watched|was in|were in|was at|was near|came from|left)\b/;
const NOTHING = /\b(didn'?t see anything|saw nothing|nothing to report|no idea|nothing useful)\b/;
const WORD = /[a-z0-9]/;

interface Hit {
  name: string;
  at: number;
}

function findAll(text: string, names: readonly string[]): Hit[] {
  const out: Hit[] = [];
  for (const n of names) {
    const needle = n.toLowerCase();
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      const before = at > 0 ? (text[at - 1] as string) : ' ';
      const after = at + needle.length < text.length ? (text[at + needle.length] as string) : ' ';
      if (!WORD.test(before) && !WORD.test(after)) out.push({ name: n, at });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

function ticks(s: string): number[] {
  const out: number[] = [];
  for (const m of s.matchAll(/\bticks? (\d{1,4})\b(?: (?:to|and|-) (?:tick )?(\d{1,4})\b)?/g)) {
    out.push(Number(m[1]));
    if (m[2] !== undefined) out.push(Number(m[2]));
  }
  return out;
}

/** Claims in `message`, said by `speaker`. Never throws; talk it cannot read gives no claims. */
export function parseTalk(message: string, speaker: string, lex: Lexicon): Claim[] {
  const claims: Claim[] = [];
  const sentences = message
    .slice(0, 2000)
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .split(/[.!?;\n]+|\bbut\b|,\s*(?=i\b)/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of sentences) {
    const colours = findAll(s, lex.players);
    const others = colours.filter((c) => c.name !== speaker);
    const roomHit = findAll(s, lex.roomNames)[0];
    const room = roomHit ? lex.roomNames.indexOf(roomHit.name) : null;
    const neg = NEG.test(s);
    const tk = ticks(s);
    // "Blue was killed in the Weapons" names a victim, not a killer.
    const passive = /\b(was|got|been|were|is) (killed|murdered|stabbed)\b/.test(s);
    const kill = passive ? null : KILL.exec(s);
    if (kill) {
      const before = others.filter((c) => c.at < kill.index);
      const after = colours.filter((c) => c.at > kill.index);
      const killer = before[before.length - 1];
      const selfSubject = !killer && /\bi\b/.test(s.slice(0, kill.index)) && !/\bi (saw|watched|seen?)\b/.test(s.slice(0, kill.index));
      if (selfSubject && !neg) {
        claims.push({ kind: 'confess' });
        continue;
      }
      if (killer) {
        const victim = after.find((c) => c.name !== killer.name)?.name ?? null;
        claims.push(neg ? { kind: 'clear', target: killer.name } : { kind: 'kill', killer: killer.name, victim, room });
        continue;
      }
    }
    if (/\bbody\b/.test(s) && /\b(found|find|got there|reported|report)\b/.test(s)) {
      claims.push({ kind: 'found', victim: others[0]?.name ?? null, room });
      continue;
    }
    if (LYING.test(s) && (!neg || /\b(not true|doesn'?t add up)\b/.test(s))) {
      for (const c of others) claims.push({ kind: 'lying', target: c.name });
      continue;
    }
    if (DENY.test(s) && others.length === 0) {
      claims.push({ kind: 'deny' });
      continue;
    }
    if (CLEAR.test(s) && others.length) {
      // "Red is not sus" clears; "Red is not innocent" accuses.
      const clears = !/\bnot (innocent|safe|clear)/.test(s);
      for (const c of others) claims.push(clears ? { kind: 'clear', target: c.name } : { kind: 'accuse', target: c.name });
      continue;
    }
    if (SUS.test(s) && others.length) {
      for (const c of others) claims.push(neg ? { kind: 'clear', target: c.name } : { kind: 'accuse', target: c.name });
      continue;
    }
    if (/\bskip\b/.test(s) && others.length === 0) {
      claims.push({ kind: 'skip' });
      continue;
    }
    if (NOTHING.test(s) && others.length === 0) {
      claims.push({ kind: 'nothing' });
      continue;
    }
    if (room !== null && others.length && SAW.test(s) && !neg) {
      // "I saw Red and Green with Blue in the Weapons": Red and Green were seen, Blue was there too.
      const withAt = s.search(/\bwith\b/);
      const seen = withAt >= 0 ? others.filter((c) => c.at < withAt) : others;
      const withHit = withAt >= 0 ? others.find((c) => c.at > withAt) : undefined;
      const targets = (seen.length ? seen : others).map((c) => c.name).filter((n) => n !== withHit?.name);
      const selfWith = /\bwith me\b/.test(s);
      if (targets.length) claims.push({ kind: 'saw', targets, room, t: tk[0] ?? null, other: withHit?.name ?? null });
      if (selfWith || /\bi was\b/.test(s)) claims.push({ kind: 'where', room, from: tk[0] ?? null, to: tk[1] ?? tk[0] ?? null });
      continue;
    }
    if (room !== null && !neg && /\b(i was|i am|i've been|i have been|i stayed|i did|doing (my )?tasks?|i went)\b/.test(s)) {
      claims.push({ kind: 'where', room, from: tk[0] ?? null, to: tk[1] ?? tk[0] ?? null });
    }
  }
  return claims;
}
