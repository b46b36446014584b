import { CommonsError } from '../../shared/errors.ts'
import type { Logger } from '../../shared/log.ts'
import { resolveDataDirectory } from '../host/dataDirectory.ts'
import { Host } from '../host/host.ts'
import type { WorkspaceSession } from '../host/workspaceSession.ts'
import { numberOption, stringOption, type Io, type ParsedArgs } from './commandLine.ts'

/**
 * What a command runs with: the device's Host, the workspace it names, and the way to print. Everything
 * is opened lazily, so `commons --help` touches no data, and closed once, at the end.
 *
 * Every command works offline. With a sync server, a command that reads first syncs what it reads for a
 * moment (so it shows what the team wrote), and a command that writes waits for the server to store the
 * change; when the server cannot be reached the change stays on this device, a note on stderr says so,
 * and the next command that reaches the server carries it.
 */
export class CliContext {
  #host: Host | null = null
  #session: WorkspaceSession | null = null
  #changed = false
  #exitCode = 0

  constructor(
    readonly args: ParsedArgs,
    readonly io: Io,
    readonly log: Logger
  ) {}

  get json(): boolean {
    return this.args.values.json === true
  }

  /** How long to wait for the sync server, in milliseconds (`--timeout` seconds). */
  syncTimeoutMs(fallbackSeconds: number): number {
    return numberOption(this.args, 'timeout', fallbackSeconds, { min: 0.1, max: 3600 }) * 1000
  }

  async host(): Promise<Host> {
    this.#host ??= await Host.open({ dataDir: resolveDataDirectory(stringOption(this.args, 'data')), source: 'cli', log: this.log })
    return this.#host
  }

  /** The workspace named by --workspace, or this device's only (or current) one, synced for a moment when it has a server. */
  async session(): Promise<WorkspaceSession> {
    if (this.#session !== null) return this.#session
    const host = await this.host()
    const summary = host.resolveWorkspace(stringOption(this.args, 'workspace'))
    this.#session = await host.openWorkspace(summary.id)
    await this.trySync()
    return this.#session
  }

  /** The exit code when the command finishes without throwing (a check that printed its failure). */
  get exitCode(): number {
    return this.#exitCode
  }

  /** Ends the command with `code` after what it printed (for results that are reported, not thrown). */
  fail(code: number): void {
    this.#exitCode = code
  }

  /** Marks that the command changed something the server should get before the process exits. */
  changed(): void {
    this.#changed = true
  }

  /**
   * Brings this device and the server into agreement on the open docs, for at most the timeout. Returns
   * false (after a note on stderr) when the server cannot be reached, so the command goes on offline;
   * an access error (a revoked token) is not swallowed.
   */
  async trySync(fallbackSeconds = 5): Promise<boolean> {
    const session = this.#session
    if (session === null || !session.hasServer) return false
    try {
      await session.waitForSync(this.syncTimeoutMs(fallbackSeconds))
      return true
    } catch (error) {
      if (error instanceof CommonsError && error.code === 'access') throw error
      this.io.stderr(`note: working offline; ${error instanceof Error ? error.message : String(error)}\n`)
      return false
    }
  }

  /** Prints a result: `human` as text, or `data` as JSON with --json. */
  print(human: string | (() => string), data: unknown): void {
    if (this.json) this.io.stdout(JSON.stringify(data, null, 2) + '\n')
    else {
      const text = typeof human === 'function' ? human() : human
      if (text !== '') this.io.stdout(text.endsWith('\n') ? text : text + '\n')
    }
  }

  /** Writes changes to disk, hands them to the server when there is one, and closes everything. */
  async close(): Promise<void> {
    try {
      if (this.#session !== null) {
        await this.#session.flush()
        if (this.#changed && this.#session.hasServer) {
          const synced = await this.trySync()
          if (!synced) this.io.stderr('note: saved on this device; it will reach the server the next time a command can connect\n')
        }
      }
    } finally {
      await this.#host?.close()
      this.#host = null
      this.#session = null
    }
  }
}
