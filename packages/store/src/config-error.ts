/** A configuration value is invalid. The message names the option or variable to change. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(
    /** The option or environment variable at fault. */
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}
