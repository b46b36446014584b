/** Errors of the doc store, each saying what went wrong and what to do. */

/** A write of a doc's updates did not reach the disk. The changes are still in memory. */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError'
  constructor(
    readonly docName: string,
    readonly location: string,
    override readonly cause: unknown
  ) {
    super(
      `could not save changes of doc "${docName}" to ${location}: ${describe(cause)}. ` +
        'The changes are still in memory; check free disk space and permissions of the data directory, ' +
        'then keep the app open so it can retry (the next save writes the whole doc)'
    )
  }
}

/** Another process holds the store's LOCK file. */
export class DataDirectoryInUseError extends Error {
  override readonly name = 'DataDirectoryInUseError'
  constructor(
    readonly directory: string,
    override readonly cause: unknown
  ) {
    super(`the data directory ${directory} is in use by another Commons process; close it or pass --data`)
  }
}

export function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
