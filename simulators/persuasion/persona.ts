/**
 * Persuadee personas: the PersuasionForGood pre-task survey (Big Five, moral foundations, Schwartz
 * values, decision style, demographics) as the Persuasion-v0 scenario, its JSON Schema, and the
 * standardised feature vector the scripted persuadee and the calibration fit read.
 */
import type { JsonSchema } from '../../core/schema.js';

export const BIG_FIVE = ['extrovert', 'agreeable', 'conscientious', 'neurotic', 'open'] as const;
export const MORAL_FOUNDATIONS = ['care', 'fairness', 'loyalty', 'authority', 'purity', 'freedom'] as const;
export const VALUES = [
  'conform',
  'tradition',
  'benevolence',
  'universalism',
  'selfDirection',
  'stimulation',
  'hedonism',
  'achievement',
  'power',
  'security',
] as const;
export const DECISION_STYLE = ['rational', 'intuitive'] as const;

type Scores<K extends string> = Record<K, number | null>;

export interface Demographics {
  age: number | null;
  sex: string | null;
  race: string | null;
  education: string | null;
  marital: string | null;
  employment: string | null;
  /** Household income bracket, 1 (lowest) to 12 as in the survey. */
  income: number | null;
  religion: string | null;
  ideology: string | null;
}

/** The Persuasion-v0 scenario: one persuadee's survey. Missing answers are null (treated as the population mean). */
export interface PersuasionScenario {
  personaId: string;
  bigFive: Scores<(typeof BIG_FIVE)[number]>;
  moralFoundations: Scores<(typeof MORAL_FOUNDATIONS)[number]>;
  values: Scores<(typeof VALUES)[number]>;
  decisionStyle: Scores<(typeof DECISION_STYLE)[number]>;
  demographics: Demographics;
  /** Where the persona comes from (corpus, dialogue and user id); informative only. */
  source?: { corpus: string; dialogueId?: string; userId?: string };
}

function scores(keys: readonly string[], min: number, max: number, what: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const k of keys) properties[k] = { type: ['number', 'null'], minimum: min, maximum: max };
  return { type: 'object', description: what, required: [...keys], additionalProperties: false, properties };
}

const nullableString = { type: ['string', 'null'], maxLength: 100 };

export const scenarioSchema: JsonSchema = {
  type: 'object',
  title: 'Persuasion-v0 scenario (persuadee persona)',
  required: ['personaId', 'bigFive', 'moralFoundations', 'values', 'decisionStyle', 'demographics'],
  additionalProperties: false,
  properties: {
    personaId: { type: 'string', minLength: 1, maxLength: 200 },
    bigFive: scores(BIG_FIVE, 1, 5, 'Big Five scores, 1-5'),
    moralFoundations: scores(MORAL_FOUNDATIONS, 1, 6, 'Moral foundations scores, 1-6'),
    values: scores(VALUES, 1, 6, 'Schwartz value scores, 1-6'),
    decisionStyle: scores(DECISION_STYLE, 1, 5, 'Decision style scores, 1-5'),
    demographics: {
      type: 'object',
      required: ['age', 'sex', 'race', 'education', 'marital', 'employment', 'income', 'religion', 'ideology'],
      additionalProperties: false,
      properties: {
        age: { type: ['number', 'null'], minimum: 0, maximum: 120 },
        sex: nullableString,
        race: nullableString,
        education: nullableString,
        marital: nullableString,
        employment: nullableString,
        income: { type: ['number', 'null'], minimum: 1, maximum: 12 },
        religion: nullableString,
        ideology: nullableString,
      },
    },
    source: {
      type: 'object',
      required: ['corpus'],
      additionalProperties: false,
      properties: {
        corpus: { type: 'string' },
        dialogueId: { type: 'string' },
        userId: { type: 'string' },
      },
    },
  },
};

const SURVEY_COLUMNS: Record<string, string> = {
  selfDirection: 'self_direction.x',
};

function num(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (t === '' || t === 'NA') return null;
  const x = Number(t);
  return Number.isFinite(x) ? x : null;
}

function str(v: string | undefined): string | null {
  const t = (v ?? '').trim();
  return t === '' || t === 'NA' ? null : t;
}

function clampOrNull(x: number | null, lo: number, hi: number): number | null {
  if (x === null) return null;
  return x < lo || x > hi ? null : x;
}

function readScores<K extends string>(row: Record<string, string>, keys: readonly K[], lo: number, hi: number): Scores<K> {
  const out = {} as Scores<K>;
  for (const k of keys) out[k] = clampOrNull(num(row[SURVEY_COLUMNS[k] ?? `${k}.x`]), lo, hi);
  return out;
}

/** A participants.csv row (PersuasionForGood column names) as a scenario. */
export function personaFromSurveyRow(row: Record<string, string>): PersuasionScenario {
  const dialogueId = str(row.B2) ?? 'unknown';
  const userId = str(row.B3) ?? 'unknown';
  return {
    personaId: `p4g:${userId}:${dialogueId}`,
    bigFive: readScores(row, BIG_FIVE, 1, 5),
    moralFoundations: readScores(row, MORAL_FOUNDATIONS, 1, 6),
    values: readScores(row, VALUES, 1, 6),
    decisionStyle: readScores(row, DECISION_STYLE, 1, 5),
    demographics: {
      age: clampOrNull(num(row['age.x']), 0, 120),
      sex: str(row['sex.x']),
      race: str(row['race.x']),
      education: str(row['edu.x']),
      marital: str(row['marital.x']),
      employment: str(row['employment.x']),
      income: clampOrNull(num(row['income.x']), 1, 12),
      religion: str(row['religion.x']),
      ideology: str(row['ideology.x']),
    },
    source: { corpus: 'PersuasionForGood', dialogueId, userId },
  };
}

/** Names of the persona features, in the order of `personaFeatures`. */
export const PERSONA_FEATURES: readonly string[] = [
  ...BIG_FIVE,
  ...MORAL_FOUNDATIONS,
  ...VALUES,
  ...DECISION_STYLE,
  'age',
  'income',
  'female',
  'white',
  'college',
  'postgrad',
  'married',
  'employed',
  'religious',
  'liberal',
  'conservative',
];

/** Raw (unstandardised) feature values; null where the survey answer is missing. */
export function rawPersonaFeatures(s: PersuasionScenario): (number | null)[] {
  const d = s.demographics;
  const flag = (v: string | null, test: (v: string) => boolean): number | null => (v === null ? null : test(v) ? 1 : 0);
  return [
    ...BIG_FIVE.map((k) => s.bigFive[k]),
    ...MORAL_FOUNDATIONS.map((k) => s.moralFoundations[k]),
    ...VALUES.map((k) => s.values[k]),
    ...DECISION_STYLE.map((k) => s.decisionStyle[k]),
    d.age,
    d.income,
    flag(d.sex, (v) => /^f/i.test(v)),
    flag(d.race, (v) => /^white$/i.test(v)),
    flag(d.education, (v) => /four-year college|postgrad/i.test(v) && !/less than/i.test(v)),
    flag(d.education, (v) => /postgrad/i.test(v)),
    flag(d.marital, (v) => /^married$/i.test(v)),
    flag(d.employment, (v) => /employed/i.test(v)),
    flag(d.religion, (v) => !/atheist/i.test(v)),
    flag(d.ideology, (v) => /liberal/i.test(v)),
    flag(d.ideology, (v) => /conservative/i.test(v)),
  ];
}

/** Population mean and standard deviation of each feature, from the corpus participants. */
export interface FeatureStats {
  mean: number[];
  sd: number[];
}

export function featureStats(personas: PersuasionScenario[]): FeatureStats {
  const k = PERSONA_FEATURES.length;
  const sum = new Array<number>(k).fill(0);
  const sq = new Array<number>(k).fill(0);
  const cnt = new Array<number>(k).fill(0);
  for (const p of personas) {
    const f = rawPersonaFeatures(p);
    for (let i = 0; i < k; i++) {
      const v = f[i];
      if (v === null || v === undefined) continue;
      sum[i] = (sum[i] as number) + v;
      sq[i] = (sq[i] as number) + v * v;
      cnt[i] = (cnt[i] as number) + 1;
    }
  }
  const mean = sum.map((s, i) => s / Math.max(1, cnt[i] as number));
  const sd = sq.map((s, i) => {
    const m = mean[i] as number;
    const v = s / Math.max(1, cnt[i] as number) - m * m;
    return v > 1e-9 ? Math.sqrt(v) : 1;
  });
  return { mean: mean.map(round4), sd: sd.map(round4) };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Standardised features (z-scores; missing answers are 0, the population mean). */
export function personaFeatures(s: PersuasionScenario, stats: FeatureStats): Float64Array {
  const f = rawPersonaFeatures(s);
  const out = new Float64Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const v = f[i];
    out[i] = v === null || v === undefined ? 0 : (v - (stats.mean[i] as number)) / (stats.sd[i] as number);
  }
  return out;
}

/** Index of a named feature, for persona-dependent effects. */
export function featureIndex(name: string): number {
  const i = PERSONA_FEATURES.indexOf(name);
  if (i < 0) throw new Error(`unknown persona feature ${name}`);
  return i;
}

/** A one-line description of the persona, used by the LLM persuadee prompt and renderings. */
export function describePersona(s: PersuasionScenario): string {
  const d = s.demographics;
  const level = (v: number | null, max: number) =>
    v === null ? 'unknown' : v >= max * 0.75 ? 'high' : v <= max * 0.45 ? 'low' : 'moderate';
  const parts = [
    d.age !== null ? `${d.age}-year-old` : '',
    d.sex ?? '',
    d.marital ? d.marital.toLowerCase() : '',
    d.employment ? `(${d.employment.toLowerCase()})` : '',
  ].filter(Boolean);
  const traits = BIG_FIVE.map((k) => `${k} ${level(s.bigFive[k], 5)}`).join(', ');
  const morals = MORAL_FOUNDATIONS.map((k) => `${k} ${level(s.moralFoundations[k], 6)}`).join(', ');
  const values = VALUES.map((k) => `${k} ${level(s.values[k], 6)}`).join(', ');
  return [
    `A ${parts.join(' ') || 'person'}; education: ${d.education ?? 'unknown'}; income bracket ${d.income ?? 'unknown'} of 12; religion: ${d.religion ?? 'unknown'}; politics: ${d.ideology ?? 'unknown'}.`,
    `Personality: ${traits}.`,
    `Moral foundations: ${morals}.`,
    `Values: ${values}.`,
    `Decision style: rational ${level(s.decisionStyle.rational, 5)}, intuitive ${level(s.decisionStyle.intuitive, 5)}.`,
  ].join('\n');
}
