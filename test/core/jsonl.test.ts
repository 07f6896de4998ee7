import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlWriter, readJsonlValues } from '../../core/jsonl.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'dialogym-jsonl-')), 'f.jsonl');

describe('JsonlWriter', () => {
  it('appends whole lines and keeps earlier ones on reopen', async () => {
    const p = file();
    const w = JsonlWriter.open(p);
    w.write({ a: 1 });
    w.write({ b: 'é\n' });
    w.close();
    const w2 = JsonlWriter.open(p, { append: true });
    w2.write({ c: 3 });
    w2.close();
    expect(await readJsonlValues(p)).toEqual([{ a: 1 }, { b: 'é\n' }, { c: 3 }]);
  });

  it('cuts a torn trailing line before appending', async () => {
    const p = file();
    writeFileSync(p, '{"a":1}\n{"b":2}\n{"c":');
    const w = JsonlWriter.open(p, { append: true });
    w.write({ d: 4 });
    w.close();
    expect(readFileSync(p, 'utf8')).toBe('{"a":1}\n{"b":2}\n{"d":4}\n');
  });

  it('handles a file holding only a torn line', async () => {
    const p = file();
    writeFileSync(p, '{"torn');
    const w = JsonlWriter.open(p, { append: true });
    w.write({ ok: true });
    w.close();
    expect(readFileSync(p, 'utf8')).toBe('{"ok":true}\n');
  });

  it('truncates without append', async () => {
    const p = file();
    writeFileSync(p, '{"old":1}\n');
    const w = JsonlWriter.open(p);
    w.write({ n: 1 });
    w.close();
    expect(await readJsonlValues(p)).toEqual([{ n: 1 }]);
  });
});
