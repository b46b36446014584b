/**
 * A lowdb adapter for files that hold secrets: reads like lowdb's JSONFile, writes atomically
 * (temp file, fsync, rename) with mode 0600 from the first byte on POSIX. One writer at a time: the
 * caller serializes writes (they share the temp file).
 *
 * JSONFile's own writer (steno) creates its temp file with the default mode and does not fsync, so a
 * token would sit world-readable (umask 022) for a moment, and a power cut could leave an empty file.
 */

import { open, rename } from 'node:fs/promises'
import path from 'node:path'
import type { Adapter } from 'lowdb'
import { JSONFile } from 'lowdb/node'

export const privateFileMode = 0o600

export class PrivateJSONFile<T> implements Adapter<T> {
  readonly #reader: JSONFile<T>

  constructor(readonly filename: string) {
    this.#reader = new JSONFile<T>(filename)
  }

  read(): Promise<T | null> {
    return this.#reader.read()
  }

  async write(data: T): Promise<void> {
    const temp = path.join(path.dirname(this.filename), `.${path.basename(this.filename)}.tmp`)
    const file = await open(temp, 'w', privateFileMode)
    try {
      // The mode above applies only when the file is created; a temp file left by a crash keeps its own.
      await file.chmod(privateFileMode)
      await file.writeFile(JSON.stringify(data, null, 2) + '\n', 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temp, this.filename)
    await syncDirectory(path.dirname(this.filename))
  }
}

// Makes the rename itself durable. Not possible on Windows (directories cannot be opened), where NTFS
// journals the rename anyway.
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(directory, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
