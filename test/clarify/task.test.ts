import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { createAgent } from '../../agents/registry.js';
import { make } from '../../core/registry.js';
import { Rng } from '../../core/rng.js';
import { runEpisode } from '../../core/rollout.js';
import { validate } from '../../core/schema.js';
import { type DomainDef, domainIndex, domainProblems, taskDomains } from '../../envs/clarify-task/domains.js';
import { analyzeQuestion, expectedSubmission, taskScenarioSchema } from '../../envs/clarify-task/index.js';
import type { Persona, TaskScenario } from '../../envs/clarify-common/types.js';
import { initialTaskUserState, taskUserTurn } from '../../simulators/clarify/task-user.js';

const base: TaskScenario = {
  domain: 'restaurant_booking',
  persona: 'precise',
  goal: { cuisine: 'italian', day: 'friday', time: '19:30', party_size: 4, seating: 'outdoors' },
  stated: ['cuisine'],
};
const dom = domainIndex('restaurant_booking');

function user(persona: Persona) {
  const scenario = { ...base, persona };
  const state = initialTaskUserState(scenario);
  const rng = Rng.fromSeed(7);
  return (text: string) => taskUserTurn(scenario, state, analyzeQuestion(dom, text), rng);
}

describe('ClarifyTask-v0 domains', () => {
  it('ships at least six sound domains with required and optional slots', () => {
    const all = [...taskDomains().values()];
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const d of all) {
      expect(domainProblems(d.domain)).toEqual([]);
      expect(d.domain.slots.some((s) => s.required)).toBe(true);
      expect(d.domain.slots.some((s) => !s.required)).toBe(true);
    }
  });

  it('detects a domain whose wordings would make exact grading unfair', () => {
    const broken: DomainDef = structuredClone(dom.domain);
    (broken.slots[1] as { phrase: string }).phrase = 'at {v}';
    (broken.slots[1] as { values: string[] }).values = ['18:00', 'noon'];
    expect(domainProblems(broken).join(' ')).toMatch(/not read back/);
  });

  it('validates scenarios per domain (values, required slots, stated slots)', () => {
    expect(validate(taskScenarioSchema, base).ok).toBe(true);
    expect(validate(taskScenarioSchema, { ...base, goal: { ...base.goal, cuisine: 'pizza' } }).ok).toBe(false);
    const { party_size: _p, ...missing } = base.goal;
    expect(validate(taskScenarioSchema, { ...base, goal: missing }).ok).toBe(false);
    expect(validate(taskScenarioSchema, { ...base, stated: ['origin'] }).ok).toBe(false);
  });

  it('reads questions: open asks, multi-slot asks, confirmations, anything-else', () => {
    expect(analyzeQuestion(dom, 'What day and time would you like?').asked).toEqual(['day', 'time']);
    const c = analyzeQuestion(dom, 'So that is for 4 people on friday, right?');
    expect(c.confirm).toEqual([
      { slot: 'party_size', value: 4 },
      { slot: 'day', value: 'friday' },
    ]);
    expect(analyzeQuestion(dom, 'Anything else I should know?').generic).toBe(true);
    const flights = domainIndex('flight_search');
    expect(analyzeQuestion(flights, 'Is paris your destination?').confirm).toEqual([{ slot: 'destination', value: 'paris' }]);
  });
});

describe('ClarifyTask-v0 scripted user personas', () => {
  it('precise: answers exactly what is asked, all slots of a multi-slot question, nothing unasked', () => {
    const ask = user('precise');
    const t = ask('Could you tell me the day and the time?');
    expect(t.revealed).toEqual({ day: 'friday', time: '19:30' });
    expect(t.utterance).toBe('On friday, at 19:30.');
    expect(t.utterance).not.toMatch(/people|outdoors/);
    expect(ask('Do you have a dietary need?').declined).toEqual(['dietary_need']);
    const unclear = ask('How are you today?');
    expect(unclear.acts).toEqual(['clarify']);
    expect(unclear.revealed).toEqual({});
  });

  it('precise: handles confirmations with affirm, or negate plus the right value', () => {
    const ask = user('precise');
    const yes = ask('Is that for 4 people?');
    expect(yes.acts).toEqual(['affirm']);
    expect(yes.revealed).toEqual({ party_size: 4 });
    const no = ask('Shall I book it on monday?');
    expect(no.acts).toContain('negate');
    expect(no.revealed).toEqual({ day: 'friday' });
    expect(no.utterance).toContain('on friday');
    const rest = ask('Any other preferences?');
    expect(rest.revealed).toEqual({ seating: 'outdoors' });
  });

  it('vague: answers a slot partially first and exactly when asked again; only the first of several', () => {
    const ask = user('vague');
    const first = ask('Could you tell me the day and the time?');
    expect(first.partial).toEqual(['day']);
    expect(first.revealed).toEqual({});
    expect(first.utterance).toMatch(/^Maybe on \w+ or on \w+, I'm not sure yet\.$/);
    expect(first.utterance).toContain('on friday');
    expect(first.utterance).not.toContain('19:30');
    const again = ask('Could you tell me the day?');
    expect(again.revealed).toEqual({ day: 'friday' });
  });

  it('oversharing: answers and volunteers up to two unasked goal slots', () => {
    const t = user('oversharing')('Could you tell me the day?');
    expect(t.revealed.day).toBe('friday');
    const extra = Object.keys(t.revealed).filter((k) => k !== 'day');
    expect(extra.length).toBe(2);
    for (const k of extra) expect(t.revealed[k]).toBe(base.goal[k]);
  });

  it('self_correcting: gives one wrong value, corrects it at the next turn, and never slips again', () => {
    const ask = user('self_correcting');
    const slip = ask('Could you tell me the day?');
    expect(slip.revealed.day).not.toBe('friday');
    const next = ask('Could you tell me the time?');
    expect(next.corrected).toEqual(['day']);
    expect(next.revealed).toEqual({ day: 'friday', time: '19:30' });
    expect(next.utterance).toMatch(/^Sorry, I got that wrong: not on \w+, on friday\./);
    const later = ask('Could you tell me the party size?');
    expect(later.revealed).toEqual({ party_size: 4 });
    expect(later.corrected).toEqual([]);
  });

  it('declining: declines an optional slot it has a preference for, which must then be left out', () => {
    const ask = user('declining');
    const t = ask('Could you tell me the seating?');
    expect(t.declined).toEqual(['seating']);
    expect(t.acts).toEqual(['decline']);
    expect(t.revealed).toEqual({});
    expect(expectedSubmission({ ...base, persona: 'declining' }, { ...t.revealed, cuisine: 'italian' }, t.declined)).toEqual({
      cuisine: 'italian',
      day: 'friday',
      time: '19:30',
      party_size: 4,
    });
    expect(ask('Could you tell me the party size?').revealed).toEqual({ party_size: 4 });
  });
});

describe('ClarifyTask-v0 env', () => {
  it('rejects malformed or schema-invalid submissions with feedback and keeps the episode going', async () => {
    const env = make('ClarifyTask-v0');
    await env.reset({ seed: 1, options: { scenario: base } });
    const cases: [string, RegExp][] = [
      ['SUBMIT {oops', /JSON/],
      ['SUBMIT [1, 2]', /must be object/],
      ['SUBMIT {"cuisine": "pizza", "day": "friday", "time": "19:30", "party_size": 4}', /cuisine must be one of/],
      ['SUBMIT {"cuisine": "italian", "day": "friday", "time": "19:30"}', /party_size is required/],
      ['SUBMIT {"cuisine": "italian", "day": "friday", "time": "19:30", "party_size": 4, "wine": "red"}', /unknown field 'wine'/],
      ['SUBMIT', /needs text/],
      ['BOOK it', /expected/],
    ];
    for (const [action, why] of cases) {
      const r = await env.step(action);
      expect(r.terminated).toBe(false);
      expect(r.info.invalidAction?.reason).toMatch(why);
      expect(r.observation.newText).toMatch(/^Invalid action/);
    }
    await env.close();
  });

  it('grades exactly: stated optional slots must be submitted, unasked ones must not', async () => {
    const scenario: TaskScenario = { ...base, stated: ['cuisine', 'seating', 'day', 'time'] };
    const full = { cuisine: 'italian', day: 'friday', time: '19:30', party_size: 4 };
    const run = async (submission: object) => {
      const env = make('ClarifyTask-v0');
      await env.reset({ seed: 2, options: { scenario } });
      const asked = await env.step('ASK could you tell me the party size?');
      const end = await env.step(`SUBMIT ${JSON.stringify(submission)}`);
      await env.close();
      return { asked, end };
    };
    const wrong = await run(full);
    expect(wrong.end.info.success).toBe(false);
    expect(wrong.end.info.wrongSlots).toEqual(['seating']);
    const right = await run({ ...full, seating: 'outdoors' });
    expect(right.end.info.success).toBe(true);
    expect(right.end.reward).toBe(1);
    expect(right.asked.reward).toBeCloseTo(-0.05);
    const extra = await run({ ...full, seating: 'outdoors', dietary_need: 'vegan' });
    expect(extra.end.info.success).toBe(false);
    const wrongValue = await run({ ...full, seating: 'indoors' });
    expect(wrongValue.end.info.wrongSlots).toEqual(['seating']);
  });

  it('charges extra for a redundant question, not for a first confirmation', async () => {
    const env = make('ClarifyTask-v0', { kwargs: { questionCost: 0.05, redundantCost: 0.2 } });
    await env.reset({ seed: 3, options: { scenario: base } });
    const redundant = await env.step('ASK could you tell me the cuisine?');
    expect(redundant.info.rewardComponents).toEqual({ questionCost: -0.05, redundancy: -0.2 });
    const confirm = await env.step('ASK italian food, right?');
    expect(confirm.info.rewardComponents).toEqual({ questionCost: -0.05 });
    const again = await env.step('ASK so italian food?');
    expect(again.info.rewardComponents.redundancy).toBeCloseTo(-0.2);
    const fresh = await env.step('ASK could you tell me the day?');
    expect(fresh.info.rewardComponents).toEqual({ questionCost: -0.05 });
    expect(fresh.info.redundantQuestions).toBe(2);
    await env.close();
  });

  it('accepts a fenced JSON submission and ends the episode', async () => {
    const env = make('ClarifyTask-v0');
    await env.reset({
      seed: 4,
      options: { scenario: { ...base, stated: ['cuisine', 'day', 'time', 'party_size'], goal: { cuisine: 'italian', day: 'friday', time: '19:30', party_size: 4 } } },
    });
    const r = await env.step('SUBMIT ```json\n{"cuisine": "italian", "day": "friday", "time": "19:30", "party_size": 4}\n```');
    expect(r.terminated).toBe(true);
    expect(r.info.success).toBe(true);
    await env.close();
  });

  it('the expert succeeds on at least 95 % of 300 precise-persona episodes and beats random and no-question', async () => {
    const stats: Record<string, { ok: number; ret: number }> = {};
    for (const name of ['expert', 'random', 'no-question']) {
      const env = make('ClarifyTask-v0', { kwargs: { personas: ['precise'] } });
      const agent = createAgent(name, { envId: 'ClarifyTask-v0' });
      const s = { ok: 0, ret: 0 };
      const n = name === 'expert' ? 300 : 40;
      for (let seed = 0; seed < n; seed++) {
        const rec = await runEpisode({ env, agent, seed, key: `x/${seed}` });
        expect(rec.totals.invalidActions).toBe(0);
        if (rec.turns[rec.turns.length - 1]?.info.success) s.ok += 1;
        s.ret += rec.totals.return / n;
      }
      s.ok /= n;
      stats[name] = s;
      await env.close();
    }
    expect(stats.expert?.ok).toBeGreaterThanOrEqual(0.95);
    expect(stats.expert?.ret).toBeGreaterThan((stats.random?.ret ?? 0) + 0.5);
    expect(stats.expert?.ret).toBeGreaterThan((stats['no-question']?.ret ?? 0) + 0.5);
  });

  it('a read-back confirmation catches the self-correcting user, which the plain expert misses', async () => {
    const success: Record<string, number> = {};
    for (const name of ['expert', 'confirming-expert']) {
      const env = make('ClarifyTask-v0', { kwargs: { personas: ['self_correcting'] } });
      const agent = createAgent(name, { envId: 'ClarifyTask-v0' });
      let ok = 0;
      for (let seed = 0; seed < 30; seed++) {
        const rec = await runEpisode({ env, agent, seed, key: `c/${seed}` });
        if (rec.turns[rec.turns.length - 1]?.info.success) ok += 1;
      }
      success[name] = ok / 30;
      await env.close();
    }
    expect(success['confirming-expert']).toBe(1);
    expect(success.expert).toBeLessThan(0.9);
  });

  it('samples every domain and persona, hiding at least one required slot', () => {
    const seen = new Set<string>();
    const personas = new Set<string>();
    const env = make('ClarifyTask-v0');
    return (async () => {
      for (let seed = 0; seed < 120; seed++) {
        await env.reset({ seed });
        const sc = env.scenario() as TaskScenario;
        seen.add(sc.domain);
        personas.add(sc.persona);
        const required = domainIndex(sc.domain).domain.slots.filter((s) => s.required).map((s) => s.name);
        expect(required.some((r) => !sc.stated.includes(r))).toBe(true);
        expect(validate(taskScenarioSchema, sc).ok).toBe(true);
      }
      expect(seen.size).toBe(taskDomains().size);
      expect(personas.size).toBe(5);
      await env.close();
    })();
  });
});
