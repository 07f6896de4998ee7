/**
 * A small grammar-aware reader of table talk: turns a free-text message into claims scripted players
 * (and the expert agent) can weigh. It knows the players' colours and the room names of the game and
 * reads one sentence at a time, with negation.
 *
 * Claims:
 * - `kill`   "I saw Red kill Blue in the Kitchen", "Red killed Blue"  (killer, victim?, room?)
 * - `sus`    "Red is sus", "I suspect Red", "vote Red", "it was Red"    (target)
 * - `defend` "Red is innocent", "Red didn't do it", "I trust Red"       (target)
 * - `alibi`  "I was in the Office doing tasks"                          (the speaker's room)
 * - `saw`    "I saw Red in the Kitchen", "Red was in the Kitchen"        (target, room, nearBody)
 * - `with`   "I was with Red"                                           (target)
 * - `agree`  "I agree" (bandwagon on whoever was last accused)
 * - `confess` "I killed Blue"
 */
export type Claim =
  | { type: 'kill'; killer: string; victim: string | null; room: number | null }
  | { type: 'sus'; target: string }
  | { type: 'defend'; target: string }
  | { type: 'alibi'; room: number }
  | { type: 'saw'; target: string; room: number; nearBody: boolean }
  | { type: 'with'; target: string }
  | { type: 'agree' }
  | { type: 'confess'; victim: string | null };

export interface Lexicon {
  players: string[];
  roomNames: string[];
}

const KILL = /\b(kill(?:ed|s|ing)?|murder(?:ed|s|ing)?|stab(?:bed|s)?|attack(?:ed|s)?|slay|slew)\b/;
const NEG = /\b(not|never|didn'?t|did not|isn'?t|wasn'?t|no way|don'?t|doesn'?t)\b/;
const SUS = /\b(sus|suss|suspicious|suspect|imposter|impostor|killer|murderer|guilty|lying|liar|lie|vote(?:d)?(?: for| out)?|eject|it was|did it|shady|sketchy)\b/;
const DEFEND = /\b(innocent|safe|clear(?:ed)?|trust|vouch|not the imposter|not the impostor|not sus|crewmate)\b/;

const WORD = /[a-z0-9]/;

/** Positions of whole-word occurrences of `names` in lower-cased `text` (no regex compilation per call). */
function findAll(text: string, names: string[]): { name: string; at: number }[] {
  const out: { name: string; at: number }[] = [];
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

/** Claims in `message`, said by `speaker`. Never throws; unknown talk gives no claims. */
export function parseClaims(message: string, speaker: string, lex: Lexicon): Claim[] {
  const claims: Claim[] = [];
  const sentences = message
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .split(/[.!?;\n]+|\bbut\b|\bso\b|,\s*(?=i\b)/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of sentences) {
    const colours = findAll(s, lex.players);
    const rooms = findAll(s, lex.roomNames);
    const room = rooms[0] ? lex.roomNames.indexOf(rooms[0].name) : null;
    const others = colours.filter((c) => c.name !== speaker);
    const neg = NEG.test(s);
    const kill = KILL.exec(s);
    if (/^(i )?(totally |fully )?agree\b|^same\b|^\+1|^yes\b/.test(s) && others.length === 0) {
      claims.push({ type: 'agree' });
      continue;
    }
    if (kill) {
      const before = colours.filter((c) => c.at < kill.index);
      const after = colours.filter((c) => c.at > kill.index);
      const selfSubject = /\bi\b/.test(s.slice(0, kill.index)) && !/\bi saw\b|\bi watched\b|\bi seen?\b/.test(s.slice(0, kill.index));
      const killerTok = before[before.length - 1];
      if (selfSubject && !killerTok && !neg) {
        claims.push({ type: 'confess', victim: after[0]?.name ?? null });
        continue;
      }
      if (killerTok && killerTok.name !== speaker) {
        const victim = after.find((c) => c.name !== killerTok.name)?.name ?? null;
        if (neg) claims.push({ type: 'defend', target: killerTok.name });
        else claims.push({ type: 'kill', killer: killerTok.name, victim, room });
        continue;
      }
      if (!killerTok && /\b(who|that) kill/.test(s) && others[0]) {
        if (!neg) claims.push({ type: 'kill', killer: others[0].name, victim: others[1]?.name ?? null, room });
        continue;
      }
    }
    if (DEFEND.test(s) && others.length) {
      // "Red is not sus" defends; "Red is not innocent" accuses.
      const defends = !/\bnot (innocent|safe|clear)/.test(s);
      for (const c of others) claims.push(defends ? { type: 'defend', target: c.name } : { type: 'sus', target: c.name });
      continue;
    }
    if (SUS.test(s) && others.length) {
      for (const c of others) claims.push(neg ? { type: 'defend', target: c.name } : { type: 'sus', target: c.name });
      continue;
    }
    if (/\bi was with\b|\bwith me\b/.test(s) && others.length) {
      for (const c of others) claims.push({ type: 'with', target: c.name });
      if (room !== null && /\bi was\b/.test(s)) claims.push({ type: 'alibi', room });
      continue;
    }
    if (room !== null && /\b(saw|seen|see|spotted|noticed|was in|were in|was at|was near|came from|left)\b/.test(s) && others.length) {
      const nearBody = /\b(body|near|next to|around)\b/.test(s);
      for (const c of others) if (!neg) claims.push({ type: 'saw', target: c.name, room, nearBody });
      if (/\bi was\b/.test(s)) claims.push({ type: 'alibi', room });
      continue;
    }
    if (room !== null && /\b(i was|i am|i've been|i have been|i stayed|i did|doing (my )?tasks?)\b/.test(s)) {
      claims.push({ type: 'alibi', room });
    }
  }
  return claims;
}

/** Whether a message says anything specific (a kill with a victim, or a sighting in a room). */
export function isSpecific(claims: Claim[]): boolean {
  return claims.some((c) => (c.type === 'kill' && (c.victim !== null || c.room !== null)) || c.type === 'saw');
}
