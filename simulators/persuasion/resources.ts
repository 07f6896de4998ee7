/**
 * The shipped PersuasionForGood resources (data/persuasionforgood/), loaded once per process and
 * never mutated: the strategy model, the reply phrase bank, the participants' personas and the
 * feature statistics used to standardise a persona.
 */
import { loadDataJson } from '../../core/data.js';
import type { FeatureStats, PersuasionScenario } from './persona.js';
import type { PhraseBank } from './phrases.js';
import { type StrategyModel, StrategyRecogniser } from './recogniser.js';

let recogniser: StrategyRecogniser | undefined;

export function strategyRecogniser(): StrategyRecogniser {
  recogniser ??= new StrategyRecogniser(loadDataJson<StrategyModel>('persuasionforgood', 'strategy-model.json'));
  return recogniser;
}

export function phraseBank(): PhraseBank {
  return loadDataJson<PhraseBank>('persuasionforgood', 'phrases.json');
}

export interface ParticipantsFile {
  stats: FeatureStats;
  personas: PersuasionScenario[];
}

export function participants(): ParticipantsFile {
  return loadDataJson<ParticipantsFile>('persuasionforgood', 'participants.json');
}

export interface CompactDialogue {
  id: string;
  split: 'fit' | 'heldout';
  donation: number | null;
  rawDonation: number | null;
  persona: PersuasionScenario | null;
  persuader: string[];
  persuadee: (string | null)[];
}

export function corpusDialogues(): CompactDialogue[] {
  return loadDataJson<CompactDialogue[]>('persuasionforgood', 'dialogues.json');
}

export interface LabelledHeldout {
  sentence: string;
  turn: number;
  label: string;
}

export function heldoutStrategySentences(): LabelledHeldout[] {
  return loadDataJson<LabelledHeldout[]>('persuasionforgood', 'strategy-heldout.json');
}
