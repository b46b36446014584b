/**
 * The server's one LevelDB database (`<dataDir>/db`) and the layout of its keys.
 *
 * Keys are utf8 strings, values raw bytes. `!` separates key parts: it sorts below every character a
 * room name or id may hold, so the range of one room never overlaps another's (`a/b!` < `a/b-c!`).
 *
 * | key | value |
 * |---|---|
 * | `doc!<room>!<seq, 16 hex>` | one Yjs update (or a compacted merge of many) |
 * | `ws!<workspaceId>` | workspace record (JSON) |
 * | `tok!<tokenId>` | token record with the secret's sha256 (JSON) |
 * | `inv!<sha256 of code>` | invite record (JSON) |
 * | `blob!<workspaceId>!<sha256>` | that the workspace holds the blob (JSON) |
 */

import { ClassicLevel } from 'classic-level'

export type Database = ClassicLevel<string, Uint8Array>

export async function openDatabase(location: string): Promise<Database> {
  const db = new ClassicLevel<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (error) {
    // LevelDB holds a lock file: a second server on the same data directory ends up here.
    const cause = (error as { cause?: { message?: string } }).cause
    throw new Error(`cannot open the database at ${location}: ${cause?.message ?? (error as Error).message}`, { cause: error })
  }
  return db
}

/** The key range `[gte, lt)` of every key that starts with `prefix` (a prefix ending in `!`). */
export function prefixRange(prefix: string): { gte: string; lt: string } {
  return { gte: prefix, lt: prefix.slice(0, -1) + '"' }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T
}
