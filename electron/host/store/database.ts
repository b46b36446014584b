/**
 * The little the doc store needs from a key-value database, and its classic-level implementation.
 *
 * The store talks to this interface rather than to ClassicLevel, so tests can hand it a database whose
 * writes fail.
 */

import { mkdir } from 'node:fs/promises'
import { ClassicLevel } from 'classic-level'
import { CommonsError } from '../../../shared/errors.ts'
import { DataDirectoryInUseError, describe } from './errors.ts'
import type { KeyRange } from './keys.ts'

export type DocOperation = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

export interface DocDatabase {
  /** Where the data lives, for error messages. */
  readonly location: string
  /** Applies all operations or none. */
  write(operations: DocOperation[]): Promise<void>
  /** Entries with `gte <= key < lt`, in key order. */
  entries(range: KeyRange): AsyncIterable<[key: string, value: Uint8Array]>
  /** Keys with `gte <= key < lt`, in key order (reversed with `reverse`), at most `limit` of them. */
  keys(range: KeyRange & { limit?: number; reverse?: boolean }): AsyncIterable<string>
  close(): Promise<void>
}

export interface LevelDatabaseOptions {
  /** The directory LevelDB keeps its files in (created when missing). */
  location: string
  /** Named in the error when another process holds the lock. */
  dataDirectory: string
  /**
   * fsync every batch. Without it a write survives the process being killed (LevelDB hands each batch to
   * the OS before it resolves) but not a power cut; with it each batch waits for the disk.
   */
  sync?: boolean
}

export async function openLevelDatabase(options: LevelDatabaseOptions): Promise<DocDatabase> {
  await mkdir(options.location, { recursive: true })
  const db = new ClassicLevel<string, Uint8Array>(options.location, { keyEncoding: 'utf8', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (error) {
    if (isLockError(error)) throw new DataDirectoryInUseError(options.dataDirectory, error)
    const cause = (error as { cause?: unknown }).cause
    throw new CommonsError(
      'storage',
      `could not open the doc store in ${options.location}: ${describe(cause ?? error)}`,
      'check that the directory is readable and writable; if LevelDB reports corruption, move the directory aside and let Commons sync again',
      { cause: error }
    )
  }
  const sync = options.sync ?? false
  return {
    location: options.location,
    write: (operations) => db.batch(operations, { sync }),
    entries: (range) => db.iterator(range),
    keys: (range) => db.keys(range),
    close: () => db.close()
  }
}

function isLockError(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  return cause?.code === 'LEVEL_LOCKED'
}
