import type { Listener } from './http-api.js';

/**
 * A listener could not bind its address (in use, not an address of this machine, a privileged
 * port): which listener, where, and the system's code (`EADDRINUSE`, `EADDRNOTAVAIL`, `EACCES`).
 */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly code: string;

  constructor(
    readonly listener: Listener,
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
    super(`the ${listener} listener cannot listen on ${host}:${port}: ${code}`, { cause });
    this.code = code;
  }
}

export function isListenError(error: unknown): error is ListenError {
  return error instanceof ListenError;
}
