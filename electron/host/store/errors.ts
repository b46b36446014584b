/** Errors of the doc store: what went wrong in the message, what to do in the hint. */

import { CommonsError } from '../../../shared/errors.ts'

/** A write of a doc's updates did not reach the disk. The changes are still in memory. */
export class StoreWriteError extends CommonsError {
  override name = 'StoreWriteError'
  constructor(
    readonly docName: string,
    readonly location: string,
    override readonly cause: unknown
  ) {
    super(
      'storage',
      `could not save changes of doc "${docName}" to ${location}: ${describe(cause)}`,
      'the changes are still in memory; check free disk space and permissions of the data directory, ' +
        'and keep Commons open: the next save writes the whole doc',
      { cause }
    )
  }
}

/** Another process holds the store's LOCK file. */
export class DataDirectoryInUseError extends CommonsError {
  override name = 'DataDirectoryInUseError'
  constructor(
    readonly directory: string,
    override readonly cause: unknown
  ) {
    super('storage', `the data directory ${directory} is in use by another Commons process; close it or pass --data`, undefined, { cause })
  }
}

export function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
