/**
 * Errors that cross a boundary (an operation, the bridge, the command line, the sync server's client)
 * carry a code a program can branch on, a message that says what went wrong, and a hint that says what
 * to do about it.
 */

export type ErrorCode =
  | 'invalid-input' // the caller sent something malformed: a form, a flag, a peer's message
  | 'not-found' // the thing named does not exist (or not in this workspace)
  | 'conflict' // the request contradicts the current state (a name taken, an archived channel)
  | 'forbidden' // the actor may not do this (a coworker outside its toolset, a non-member)
  | 'access' // a token was refused by a server
  | 'connection' // a server could not be reached or did not answer in time
  | 'storage' // the device could not read or write its data
  | 'config' // something needed is not set up (no model, no server)

export interface FieldProblem {
  /** Dotted path to the field, e.g. `columns.2.type`; empty for the input as a whole. */
  field: string
  problem: string
}

export class CommonsError extends Error {
  override name = 'CommonsError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

export class ValidationError extends CommonsError {
  override name = 'ValidationError'
  constructor(
    readonly what: string,
    readonly problems: FieldProblem[]
  ) {
    super('invalid-input', `${what}: ${problems.map(formatProblem).join('; ')}`)
  }
}

function formatProblem({ field, problem }: FieldProblem): string {
  return field === '' ? problem : `${field}: ${problem}`
}

export const notFound = (what: string, id: string, hint?: string): CommonsError =>
  new CommonsError('not-found', `${what} ${JSON.stringify(id)} was not found`, hint)

export const conflict = (message: string, hint?: string): CommonsError => new CommonsError('conflict', message, hint)

export const forbidden = (message: string, hint?: string): CommonsError => new CommonsError('forbidden', message, hint)

export function isCommonsError(error: unknown, code?: ErrorCode): error is CommonsError {
  return error instanceof CommonsError && (code === undefined || error.code === code)
}
