import { bridgeError, type BridgeError } from './contract.ts'

/**
 * A request the Host refused or could not answer, as the renderer sees it: the CommonsError's code
 * (`invalid-input`, `not-found`, …, `connection` when the bridge itself is down, `internal` for a bug),
 * its message and its hint.
 */
export class BridgeRequestError extends Error {
  override name = 'BridgeRequestError'
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string | null = null
  ) {
    super(message)
  }

  static from(error: BridgeError): BridgeRequestError {
    return new BridgeRequestError(error.code, error.message, error.hint)
  }

  toJSON(): BridgeError {
    return { code: this.code, message: this.message, hint: this.hint }
  }
}

/**
 * The error a request rejected with, as a BridgeRequestError: Electron's contextBridge copies an Error's
 * message only, so the preload rejects with the plain `{ code, message, hint }`, turned back here.
 */
export function asBridgeRequestError(error: unknown): BridgeRequestError {
  if (error instanceof BridgeRequestError) return error
  const parsed = bridgeError.safeParse(error)
  if (parsed.success) return BridgeRequestError.from(parsed.data)
  return new BridgeRequestError('internal', error instanceof Error ? error.message : String(error))
}
