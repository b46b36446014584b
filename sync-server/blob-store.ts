/**
 * Content-addressed blobs: files under `<dataDir>/blobs/ab/abcdef...` (named by their sha256), shared
 * by every workspace that uploads the same bytes, plus a record per workspace in the database so a
 * workspace sees only the blobs it uploaded itself. An upload streams to a temp file while it is hashed
 * and counted, is synced, and is renamed into place only when the hash matches.
 */

import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, type ReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeJson, type Database } from './database.ts'

const shaPattern = /^[0-9a-f]{64}$/

export function isSha256(value: string): boolean {
  return shaPattern.test(value)
}

export class BlobTooLargeError extends Error {
  override readonly name = 'BlobTooLargeError'
}

export class BlobHashMismatchError extends Error {
  override readonly name = 'BlobHashMismatchError'
}

interface BlobRecord {
  size: number
  createdAt: string
}

export class BlobStore {
  private readonly tempDir: string

  constructor(private readonly dir: string, private readonly db: Database) {
    this.tempDir = join(dir, 'tmp')
  }

  async init(): Promise<void> {
    // Temp files left by a crash mid-upload are garbage.
    await rm(this.tempDir, { recursive: true, force: true })
    await mkdir(this.tempDir, { recursive: true })
  }

  /** The blob's size when the workspace holds it. */
  async size(workspaceId: string, sha256: string): Promise<number | undefined> {
    const stored = await this.db.get(recordKey(workspaceId, sha256))
    if (stored === undefined) return undefined
    try {
      return (await stat(this.path(sha256))).size
    } catch {
      return undefined
    }
  }

  async read(workspaceId: string, sha256: string): Promise<{ size: number; stream: ReadStream } | undefined> {
    const size = await this.size(workspaceId, sha256)
    if (size === undefined) return undefined
    return { size, stream: createReadStream(this.path(sha256)) }
  }

  /**
   * Stores the bytes of `source` as blob `sha256` of the workspace. Resolves 'created', or 'exists' when
   * the workspace already had it. Throws BlobTooLargeError past `maxBytes`, BlobHashMismatchError when
   * the bytes hash to something else; nothing is kept in either case.
   */
  async put(workspaceId: string, sha256: string, source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<'created' | 'exists'> {
    const tempPath = join(this.tempDir, `${sha256}.${randomBytes(6).toString('hex')}`)
    const file = await open(tempPath, 'w', 0o600)
    const hash = createHash('sha256')
    let size = 0
    try {
      try {
        for await (const chunk of source) {
          size += chunk.byteLength
          if (size > maxBytes) throw new BlobTooLargeError(`the blob is larger than ${maxBytes} bytes`)
          hash.update(chunk)
          await file.write(chunk)
        }
        await file.sync()
      } finally {
        await file.close()
      }
      const actual = hash.digest('hex')
      if (actual !== sha256) throw new BlobHashMismatchError(`the bytes hash to ${actual}, not ${sha256}`)
      const already = await this.size(workspaceId, sha256)
      if (already !== undefined) return 'exists'
      const finalPath = this.path(sha256)
      const shard = join(this.dir, sha256.slice(0, 2))
      await mkdir(shard, { recursive: true })
      // Same bytes whether or not another workspace stored them first, so replacing is harmless.
      await rename(tempPath, finalPath)
      await syncDirectory(shard)
      const record: BlobRecord = { size, createdAt: new Date().toISOString() }
      await this.db.put(recordKey(workspaceId, sha256), encodeJson(record), { sync: true })
      return 'created'
    } finally {
      await rm(tempPath, { force: true })
    }
  }

  private path(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256)
  }
}

async function syncDirectory(path: string): Promise<void> {
  // Makes the rename itself durable. Not every platform can open a directory; there it is best effort.
  try {
    const handle = await open(path, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // ignore
  }
}

function recordKey(workspaceId: string, sha256: string): string {
  return `blob!${workspaceId}!${sha256}`
}
