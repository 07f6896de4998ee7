/** Counts newline-terminated lines of a file by streaming its bytes (for progress totals). */
import { createReadStream, existsSync } from 'node:fs';

export async function countLines(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  let n = 0;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n += 1;
  }
  return n;
}
