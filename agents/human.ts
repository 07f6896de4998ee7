import { createInterface, type Interface } from 'node:readline';
import type { Observation, } from '../core/types.js';
import type { Agent } from './types.js';

/** Thrown when the person ends input (Ctrl-D); the CLI ends the episode cleanly. */
export class EndOfInput extends Error {
  constructor() {
    super('end of input');
    this.name = 'EndOfInput';
  }
}

/**
 * A person at the terminal: prints what is new (the instructions first), reads one line.
 * Lines are queued as they arrive so piped input works as well as typing.
 */
export class HumanAgent implements Agent {
  readonly id = 'human';
  private rl: Interface | undefined;
  private lines: string[] = [];
  private waiting: ((line: string | null) => void) | undefined;
  private ended = false;
  private shownInstructions = false;

  constructor(
    private readonly input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {}

  reset(): void {
    this.shownInstructions = false;
  }

  private ensure(): void {
    if (this.rl) return;
    this.rl = createInterface({ input: this.input, terminal: false });
    this.rl.on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(l);
      } else this.lines.push(l);
    });
    this.rl.on('close', () => {
      this.ended = true;
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(null);
      }
    });
  }

  async act(obs: Observation, reward = 0): Promise<string> {
    this.ensure();
    if (!this.shownInstructions) {
      this.output.write(`\n${obs.instructions}\n\n`);
      this.shownInstructions = true;
    }
    if (obs.newText) this.output.write(`${obs.newText}\n`);
    if (reward !== 0) this.output.write(`(reward ${reward > 0 ? '+' : ''}${Number(reward.toFixed(4))})\n`);
    if (obs.invalidAction) this.output.write(`(invalid: ${obs.invalidAction.reason})\n`);
    if (obs.legalActions?.length) this.output.write(`[legal: ${obs.legalActions.join(' | ')}]\n`);
    this.output.write('> ');
    const next = this.lines.shift();
    if (next !== undefined) return next;
    if (this.ended) throw new EndOfInput();
    const line = await new Promise<string | null>((resolve) => {
      this.waiting = resolve;
    });
    if (line === null) throw new EndOfInput();
    return line;
  }

  close(): void {
    this.rl?.close();
  }
}
