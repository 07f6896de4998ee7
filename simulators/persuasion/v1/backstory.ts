/**
 * A small backstory for a Persuasion-v1 persuadee, drawn once per episode from the persona's
 * demographics (age, marital status, employment, education, income, religion) and personality, so
 * that "do you have kids?" or "what do you do?" get an answer that fits the person and stays the same
 * when asked again. Everything not in the survey (number of children, the job, the state, hobbies)
 * is drawn with plausible weights, never contradicting what the survey says, nor the doubts the
 * person holds (a budget doubt means money is tight; one about other causes, a cause it gives to; a
 * legitimacy doubt, a charity it has not heard of), so that what it says about itself hints at them.
 */
import type { Rng } from '../../../core/rng.js';
import type { Concern } from '../concerns.js';
import type { PersuasionScenario } from '../persona.js';

export interface Backstory {
  kids: number;
  kidsAge: 'young' | 'school-age' | 'teen' | 'grown' | null;
  /** First-person description of the work situation ("I work in retail"). */
  job: string;
  state: string;
  hobbies: string[];
  /** How the persona gives today: a cause it names, or that it rarely gives. */
  gives: 'church' | 'food bank' | 'animal shelter' | 'cancer research' | 'veterans' | 'sometimes' | 'rarely';
  heardOfOrg: boolean;
  moneyTight: boolean;
  pet: 'a dog' | 'a cat' | 'two cats' | 'a dog and a cat' | null;
}

const STATES = [
  'California', 'Texas', 'Florida', 'New York', 'Pennsylvania', 'Ohio', 'Illinois', 'Georgia', 'North Carolina', 'Michigan',
  'Arizona', 'Washington', 'Tennessee', 'Indiana', 'Missouri', 'Virginia', 'Colorado', 'Oregon', 'Kentucky', 'Alabama',
];
const STATE_WEIGHTS = [12, 9, 7, 6, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1];

const JOBS_COLLEGE = ['I work in IT', "I'm an accountant", 'I work in marketing', "I'm a teacher", 'I work in healthcare administration', "I'm a software developer", 'I work for an insurance company'];
const JOBS_OTHER = ['I work in retail', 'I work at a warehouse', "I'm a cashier at a grocery store", 'I work in customer service', 'I drive for a delivery company', 'I work in a restaurant', "I'm a caregiver"];

const HOBBIES_OUT = ['hanging out with friends', 'going to concerts', 'playing basketball', 'hiking', 'going to the gym'];
const HOBBIES_IN = ['reading', 'playing video games', 'watching movies', 'cooking', 'gardening', 'knitting', 'doing puzzles'];

export function drawBackstory(p: PersuasionScenario, rng: Rng, holds: readonly Concern[] = []): Backstory {
  const d = p.demographics;
  const age = d.age ?? 33;
  const married = /married/i.test(d.marital ?? '') && !/unmarried/i.test(d.marital ?? '');
  const pKids = age < 22 ? 0.05 : married ? 0.75 : age > 35 ? 0.45 : 0.25;
  const kids = rng.bool(pKids) ? 1 + rng.weightedIndex([4, 4, 2]) : 0;
  const kidsAge = kids === 0 ? null : age < 30 ? 'young' : age < 38 ? rng.pick(['young', 'school-age'] as const) : age < 50 ? rng.pick(['school-age', 'teen'] as const) : 'grown';
  const emp = (d.employment ?? '').toLowerCase();
  const college = /college|postgrad/i.test(d.education ?? '') && !/less than/i.test(d.education ?? '');
  let job: string;
  if (/student/.test(emp)) job = "I'm a student right now";
  else if (/retired/.test(emp)) job = "I'm retired";
  else if (/unemployed|out of work|not employed/.test(emp)) job = "I'm between jobs right now";
  else if (/homemaker|home/.test(emp)) job = "I'm a stay-at-home parent";
  else if (/self/.test(emp)) job = rng.pick(["I'm self-employed, I do freelance work", 'I run a small business from home', 'I do freelance writing']);
  else job = rng.pick(college ? JOBS_COLLEGE : JOBS_OTHER);
  if (job === "I'm a stay-at-home parent" && kids === 0) job = "I'm at home most of the time these days";
  const extrovert = p.bigFive.extrovert ?? 3;
  const hobbies = rng.shuffle(extrovert >= 3.5 ? [...HOBBIES_OUT, ...HOBBIES_IN.slice(0, 3)] : [...HOBBIES_IN, ...HOBBIES_OUT.slice(0, 2)]).slice(0, 2);
  const religious = d.religion !== null && !/atheist|agnostic|nothing|none/i.test(d.religion);
  const income = d.income ?? 5;
  const benevolence = p.values.benevolence ?? 4.5;
  const givesWeights = [religious ? 4 : 0.2, 2, 1.5, 1, 0.7, 3, income <= 3 ? 4 : 2 - (benevolence - 4.5)];
  // Someone who already gives to other causes names one (no 'sometimes' or 'rarely').
  const gives = (['church', 'food bank', 'animal shelter', 'cancer research', 'veterans', 'sometimes', 'rarely'] as const)[
    rng.weightedIndex(givesWeights.map((w, i) => (holds.includes('other-causes') && i >= 5 ? 0 : Math.max(0.1, w))))
  ] as Backstory['gives'];
  return {
    kids,
    kidsAge,
    job,
    state: STATES[rng.weightedIndex(STATE_WEIGHTS)] as string,
    hobbies,
    gives,
    heardOfOrg: rng.bool(0.45) && !holds.includes('legitimacy'),
    moneyTight: income <= 3 || /unemployed|student/.test(emp) || holds.includes('budget'),
    pet: rng.bool(0.45) ? rng.pick(['a dog', 'a cat', 'two cats', 'a dog and a cat'] as const) : null,
  };
}

const KID_WORDS = ['', 'one', 'two', 'three'];

/** The persona's first-person answer to a question about itself. */
export function answerAbout(kind: string, b: Backstory, age: number | null, rng: Rng): string {
  switch (kind) {
    case 'kids': {
      if (b.kids === 0) return rng.pick(["No, I don't have any kids.", 'No kids yet.', 'Nope, no children.', "I don't have kids, no."]);
      const n = KID_WORDS[b.kids] as string;
      const noun = b.kids === 1 ? 'one' : 'kids';
      const ageText = b.kidsAge === 'grown' ? 'grown up now' : b.kidsAge === 'teen' ? 'teenagers' : b.kidsAge === 'school-age' ? 'in grade school' : 'little';
      return b.kids === 1
        ? rng.pick([`Yes, I have one child, ${ageText === 'little' ? 'still little' : ageText}.`, `I do, just ${noun}. ${ageText === 'grown up now' ? 'Grown up now.' : ''}`.trim()])
        : rng.pick([`Yes, I have ${n} kids, ${ageText === 'little' ? 'both pretty little' : ageText}.`, `I do, ${n} of them. They keep me busy.`]);
    }
    case 'job':
      return rng.pick([`${b.job}.`, `${b.job}, and I do these tasks on the side.`, `${b.job}. These surveys are extra money.`]);
    case 'location':
      return rng.pick([`I'm in ${b.state}.`, `I live in ${b.state}.`, `${b.state}. How about you?`]);
    case 'hobby':
      return rng.pick([`I like ${b.hobbies[0]} and ${b.hobbies[1]}.`, `Mostly ${b.hobbies[0]}, and some ${b.hobbies[1]}.`]);
    case 'age':
      return age === null ? "I'd rather not say, but I'm an adult!" : rng.pick([`I'm ${age}.`, `${age}, why?`]);
    case 'pets':
      return b.pet ? rng.pick([`I have ${b.pet}.`, `Yes, ${b.pet}.`]) : rng.pick(['No pets right now.', "No, I don't have any pets."]);
    case 'donate-habit':
      switch (b.gives) {
        case 'church':
          return rng.pick(['I give to my church mostly.', 'Mostly through my church, a little each month.']);
        case 'rarely':
          return rng.pick(["Not really, I don't donate much.", 'Honestly, not very often.', "Not much. Money's been tight."]);
        case 'sometimes':
          return rng.pick(['Sometimes, when I can.', 'Once in a while, if a cause speaks to me.']);
        default:
          return rng.pick([`I give a little to a ${b.gives === 'veterans' ? 'veterans group' : b.gives} sometimes.`, `I donate to ${b.gives === 'veterans' ? 'a veterans charity' : `a ${b.gives}`} now and then.`]);
      }
    case 'heard-of-org':
      return b.heardOfOrg
        ? rng.pick(["Yes, I've heard of them.", "I've heard the name, but I don't know much about them.", 'Yes, I think I have seen their ads.'])
        : rng.pick(["No, I haven't heard of them.", "No, I'm not familiar with them.", "I don't think so."]);
    default:
      return '';
  }
}
