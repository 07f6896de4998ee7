/**
 * Typed failures of the LLM layer. Each carries a `type` that the core copies into the episode
 * record (`error.type`), so a failed episode says *why* it failed. Messages never contain API keys
 * (see `scrubSecrets`).
 */

export type LlmErrorType =
  /** The endpoint could not be reached (refused, reset, DNS) within the retry budget. */
  | 'llm_unavailable'
  /** Every attempt timed out within the retry budget. */
  | 'llm_timeout'
  /** The server kept answering 429/5xx or malformed bodies until the retry budget ran out. */
  | 'llm_server_error'
  /** The server rejected the request itself (4xx other than 408/409/429): retrying cannot help. */
  | 'llm_bad_request'
  /** The key was refused (401/403). */
  | 'llm_auth'
  /** The model's reply stayed invalid (unparsable, off-schema, empty, rejected by `check`) after the repairs. */
  | 'llm_invalid_output'
  /** A simulator or agent needed an LLM but the run was configured without one. */
  | 'llm_not_configured';

export class LlmError extends Error {
  constructor(
    readonly type: LlmErrorType,
    message: string,
    /** True when the endpoint itself is unusable (not just this call): the run should stop. */
    readonly fatal = false,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

/** The endpoint is down for good; thrown for every call once the provider has given up on it. */
export class LlmUnavailableError extends LlmError {
  constructor(message: string, type: LlmErrorType = 'llm_unavailable') {
    super(type, message, true);
    this.name = 'LlmUnavailableError';
  }
}

export function isLlmError(err: unknown): err is LlmError {
  return err instanceof LlmError;
}

/** Error types that mean "the endpoint was unusable", not "the model misbehaved": a resumed run should retry those episodes. */
export const TRANSIENT_LLM_ERROR_TYPES: ReadonlySet<string> = new Set([
  'llm_unavailable',
  'llm_timeout',
  'llm_server_error',
  'llm_auth',
]);

const KEY_PATTERNS = [
  /\bsk-[A-Za-z0-9_-]{6,}/g,
  /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
  /\b(api[_-]?key["'=:\s]+)[A-Za-z0-9._~+/=-]{6,}/gi,
];

/**
 * Removes the given secrets and anything shaped like a bearer token or OpenAI key from a message,
 * and credentials or query strings from URLs.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  out = out.replace(KEY_PATTERNS[0] as RegExp, '[redacted]');
  out = out.replace(KEY_PATTERNS[1] as RegExp, '$1 [redacted]');
  out = out.replace(KEY_PATTERNS[2] as RegExp, '$1[redacted]');
  out = out.replace(/(https?:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[redacted]@');
  return out;
}

/** A base URL as it may be shown to people: no userinfo, no query string. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}
