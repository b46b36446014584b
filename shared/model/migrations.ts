import type * as Y from 'yjs'
import { CommonsError } from '../errors.ts'
import { rootCollections } from './rootDoc.ts'
import { schemaVersion } from './types.ts'

/**
 * Forward-only migrations of a workspace's root doc. Each one brings the doc from `to - 1` to `to`, and
 * must be idempotent: two devices can run it on their own copies before they sync, and the merged result
 * must be the same as if one had. (Setting a field to a value computed from the data is; appending is not.)
 * Version 1 is the first layout, so the list starts empty.
 */
export interface Migration {
  to: number
  description: string
  migrate(root: Y.Doc): void
}

export const migrations: readonly Migration[] = []

export interface MigrationResult {
  from: number
  to: number
  applied: string[]
}

/**
 * Brings a root doc up to `targetVersion` in one transaction. A doc from a newer Commons is refused with
 * an error that says to update, rather than read with the wrong layout.
 */
export function migrateRootDoc(
  root: Y.Doc,
  origin: unknown,
  available: readonly Migration[] = migrations,
  targetVersion: number = schemaVersion
): MigrationResult {
  const { meta } = rootCollections(root)
  const from = Number(meta.get('schemaVersion') ?? 0)
  if (meta.get('id') === undefined) return { from, to: from, applied: [] }
  if (from > targetVersion) {
    throw new CommonsError(
      'conflict',
      `this workspace was last changed by a newer version of Commons (schema ${from}; this version reads up to ${targetVersion})`,
      'update Commons on this device'
    )
  }
  const pending = available.filter((migration) => migration.to > from && migration.to <= targetVersion).sort((a, b) => a.to - b.to)
  if (from === targetVersion || pending.length === 0) return { from, to: from, applied: [] }
  root.transact(() => {
    for (const migration of pending) migration.migrate(root)
    meta.set('schemaVersion', targetVersion)
  }, origin)
  return { from, to: targetVersion, applied: pending.map((migration) => migration.description) }
}
