import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { CommonsError } from '../../shared/errors.ts'

/**
 * Content-addressed file bytes on this device: `<dataDir>/blobs/ab/abcdef…` by sha256, the same address
 * the sync server's blob endpoint uses. A blob is written to a temporary name and renamed into place, so
 * a crash never leaves a half-written blob under its hash.
 */
export class BlobStore {
  constructor(private readonly directory: string) {}

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex')
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new CommonsError('invalid-input', `"${sha256}" is not a sha256 address`)
    return path.join(this.directory, sha256.slice(0, 2), sha256)
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = BlobStore.sha256(bytes)
    const target = this.pathOf(sha256)
    if (await this.has(sha256)) return sha256
    await mkdir(path.dirname(target), { recursive: true })
    const temporary = `${target}.${process.pid}.${Date.now()}.partial`
    await writeFile(temporary, bytes)
    await rename(temporary, target)
    return sha256
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256))
      return true
    } catch {
      return false
    }
  }

  /** The blob's bytes, or null when this device does not have them (yet). */
  async get(sha256: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.pathOf(sha256)))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }
}
