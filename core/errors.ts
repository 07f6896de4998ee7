/**
 * A configuration mistake by the person running dialogym (bad flag, unknown env, unreadable
 * file). The CLI prints its message on one line and exits with code 2; it is never a stack trace.
 */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
