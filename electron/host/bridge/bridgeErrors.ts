import type { BridgeError } from '../../../shared/bridge/contract.ts'
import { isCommonsError } from '../../../shared/errors.ts'
import type { Logger } from '../../../shared/log.ts'

/**
 * An error as it crosses to the renderer: a CommonsError keeps its code, message and hint; anything else
 * is a bug in the Host, logged here in full and sent as `internal` with its message only (no stack).
 */
export function toBridgeError(error: unknown, log: Logger, request: string): BridgeError {
  if (isCommonsError(error)) return { code: error.code, message: error.message, hint: error.hint ?? null }
  log.error('a bridge request failed', { request, error })
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'internal', message: `the Host failed to answer ${request}: ${message}`, hint: 'this is a bug in Commons; the log has the details' }
}
