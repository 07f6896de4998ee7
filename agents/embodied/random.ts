/**
 * The Embodied random robot (v0 and v1): uniformly random verbs of the action grammar with arguments drawn
 * from names it has read (places from the house plan, objects from the env's descriptions), so its
 * actions look valid but are not goal-directed. Seeded by the episode's agent seed.
 */
import { Rng } from '../../core/rng.js';
import type { Observation, } from '../../core/types.js';
import { OBJECT_KIND } from '../../envs/embodied/catalog.js';
import type { Agent, AgentEpisodeContext } from '../types.js';
import { parseHouse } from './belief.js';

const QUESTIONS = ['where is the mug?', 'what should I do?', 'is the plate dirty?', 'where is the knife?', 'ok', 'hello'];

export class EmbodiedRandom implements Agent {
  readonly id = 'random';
  /** `placesOf` reads the place names from the instructions (v1 words its house plan differently). */
  constructor(private readonly placesOf: (instructions: string) => string[] = (i) => parseHouse(i).map((r) => r.id)) {}
  private rng = Rng.fromSeed(0);
  private places: string[] = [];
  private objects: string[] = [];
  private consumed = 0;

  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(ctx.seed);
    this.places = [];
    this.objects = [];
    this.consumed = 0;
  }

  act(obs: Observation): string {
    if (!this.places.length) this.places = this.placesOf(obs.instructions);
    for (; this.consumed < obs.transcript.length; this.consumed++) {
      const t = obs.transcript[this.consumed]!;
      if (t.role === 'agent') continue;
      for (const m of t.text.matchAll(/([a-z]+(?: [a-z]+)?) (\d+)/g)) {
        const id = `${m[1]} ${m[2]}`.replace(/^(?:the|a) /, '');
        const type = id.replace(/ \d+$/, '');
        if (OBJECT_KIND.has(type) && !this.objects.includes(id)) this.objects.push(id);
      }
    }
    const r = this.rng;
    const place = () => (this.places.length ? r.pick(this.places) : 'counter 1');
    const obj = () => (this.objects.length ? r.pick(this.objects) : 'mug 1');
    switch (r.int(0, 12)) {
      case 0:
      case 1:
        return `go to ${place()}`;
      case 2:
        return 'look';
      case 3:
        return `pick up ${obj()}`;
      case 4:
        return `put ${obj()} ${r.bool() ? 'in' : 'on'} ${r.bool() ? place() : obj()}`;
      case 5:
        return `open ${place()}`;
      case 6:
        return `close ${place()}`;
      case 7:
        return `toggle ${r.bool() ? 'on' : 'off'} ${place()}`;
      case 8:
        return `slice ${obj()}`;
      case 9:
        return `clean ${obj()}`;
      case 10:
        return `fill ${obj()}`;
      case 11:
        return `pour ${obj()} into ${r.bool() ? place() : obj()}`;
      default:
        return `say ${r.pick(QUESTIONS)}`;
    }
  }
}
