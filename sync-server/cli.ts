/**
 * `commons-sync`: run the sync server, and look after a running one.
 *
 *   commons-sync serve [--port P] [--host H] [--data DIR] [limit flags]
 *   commons-sync workspaces [--data DIR] [--json]
 *   commons-sync members WORKSPACE_ID [--data DIR] [--json]
 *   commons-sync revoke TOKEN_ID [--data DIR] [--json]
 *
 * Exit codes: 0 ok, 1 usage, 2 not found, 3 access or connection error.
 */

import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { createLogger, parseLogLevel } from '../shared/log.ts'
import { adminRequest, AdminError, resolveAdminTarget } from './admin-client.ts'
import { defaultLimits, type SyncServerLimits } from './limits.ts'
import { startSyncServer } from './server.ts'
import type { TokenView } from './http-api.ts'

const exitUsage = 1
const exitNotFound = 2
const exitAccess = 3

const defaultPort = 4455
const defaultDataDir = '.commons-data/sync-server'

const limitFlags: ReadonlyArray<{ flag: string; env: string; key: keyof SyncServerLimits; what: string }> = [
  { flag: 'max-frame-bytes', env: 'COMMONS_SYNC_MAX_FRAME_BYTES', key: 'maxFrameBytes', what: 'largest websocket frame' },
  { flag: 'max-messages-per-second', env: 'COMMONS_SYNC_MAX_MESSAGES_PER_SECOND', key: 'maxMessagesPerSecond', what: 'messages per second per connection' },
  { flag: 'max-connections-per-token', env: 'COMMONS_SYNC_MAX_CONNECTIONS_PER_TOKEN', key: 'maxConnectionsPerToken', what: 'connections per token' },
  { flag: 'idle-timeout-seconds', env: 'COMMONS_SYNC_IDLE_TIMEOUT_SECONDS', key: 'idleTimeoutSeconds', what: 'idle timeout' },
  { flag: 'max-blob-bytes', env: 'COMMONS_SYNC_MAX_BLOB_BYTES', key: 'maxBlobBytes', what: 'largest blob' },
  { flag: 'evict-after-seconds', env: 'COMMONS_SYNC_EVICT_AFTER_SECONDS', key: 'evictAfterSeconds', what: 'unload a doc unused for' }
]

const help = `commons-sync: the Commons sync server

Usage:
  commons-sync serve [--port P] [--host H] [--data DIR] [limit flags]
  commons-sync workspaces [--data DIR] [--json]
  commons-sync members WORKSPACE_ID [--data DIR] [--json]
  commons-sync revoke TOKEN_ID [--data DIR] [--json]

serve
${[
  ['--port P', 'port to listen on, 0 for any free one', `env COMMONS_SYNC_PORT, default ${defaultPort}`],
  ['--host H', 'address to listen on', 'env COMMONS_SYNC_HOST, default 127.0.0.1'],
  ['--data DIR', 'data directory', `env COMMONS_SYNC_DATA, default ${defaultDataDir}`],
  ['--registration-secret S', 'registering a workspace needs S', 'env COMMONS_SYNC_REGISTRATION_SECRET'],
  ['--log-level L', 'debug, info, warn, error, silent', 'env COMMONS_LOG_LEVEL, default warn'],
  ...limitFlags.map(({ flag, env, key, what }) => [`--${flag} N`, what, `env ${env}, default ${defaultLimits[key]}`])
]
  .map(([flag, what, more]) => `  ${flag!.padEnd(30)}${what!.padEnd(38)}(${more})`)
  .join('\n')}

workspaces, members, revoke talk to the running server of a data directory (its server.json and
admin-token files), or to --url with --admin-token.
  --data DIR                    data directory of the running server  (env COMMONS_SYNC_DATA, default ${defaultDataDir})
  --url URL                     the server's URL, e.g. http://127.0.0.1:${defaultPort}
  --admin-token T               the server's admin token
  --json                        print the server's JSON answer

Exit codes: 0 ok, 1 usage, 2 not found, 3 access or connection error.
`

class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>

const adminOptions: Options = {
  data: { type: 'string' },
  url: { type: 'string' },
  'admin-token': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false }
}

const serveOptions: Options = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'registration-secret': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  ...Object.fromEntries(limitFlags.map(({ flag }) => [flag, { type: 'string' as const }]))
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(help)
    return command === undefined ? exitUsage : 0
  }
  switch (command) {
    case 'serve':
      return serve(parse(rest, serveOptions, 0), env)
    case 'workspaces':
      return workspaces(parse(rest, adminOptions, 0), env)
    case 'members':
      return members(parse(rest, adminOptions, 1, 'WORKSPACE_ID'), env)
    case 'revoke':
      return revoke(parse(rest, adminOptions, 1, 'TOKEN_ID'), env)
    default:
      throw new UsageError(`unknown command "${command}"; run commons-sync --help`)
  }
}

interface Parsed {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

function parse(args: string[], options: Options, positionals: number, positionalName?: string): Parsed {
  let parsed: Parsed
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as Parsed
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; run commons-sync --help`)
  }
  if (parsed.values.help === true) {
    process.stdout.write(help)
    process.exit(0)
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(positionals === 0 ? `unexpected argument "${parsed.positionals[0]}"` : `expected one ${positionalName}`)
  }
  return parsed
}

function stringOption(parsed: Parsed, name: string, env?: string): string | undefined {
  const value = parsed.values[name]
  if (typeof value === 'string') return value
  return env !== undefined && env !== '' ? env : undefined
}

function numberOption(text: string | undefined, what: string, { integer = false, allowZero = false } = {}): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${what} must be a ${integer ? 'whole ' : ''}${allowZero ? 'non-negative' : 'positive'} number, got "${text}"`)
  }
  return value
}

function dataDir(parsed: Parsed, env: NodeJS.ProcessEnv): string {
  return resolve(stringOption(parsed, 'data', env.COMMONS_SYNC_DATA) ?? defaultDataDir)
}

async function serve(parsed: Parsed, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const port = numberOption(stringOption(parsed, 'port', env.COMMONS_SYNC_PORT), '--port', { integer: true, allowZero: true }) ?? defaultPort
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`)
  const limits: Partial<SyncServerLimits> = {}
  for (const { flag, env: name, key } of limitFlags) {
    const value = numberOption(stringOption(parsed, flag, env[name]), `--${flag}`, { integer: !key.endsWith('Seconds') })
    if (value !== undefined) limits[key] = value
  }
  const logLevelText = stringOption(parsed, 'log-level')
  if (logLevelText !== undefined && parseLogLevel(logLevelText, 'silent') !== logLevelText) throw new UsageError(`--log-level must be debug, info, warn, error or silent`)
  const data = dataDir(parsed, env)
  const log = createLogger({ scope: 'sync-server', level: parseLogLevel(logLevelText ?? env.COMMONS_LOG_LEVEL) })

  let server
  try {
    server = await startSyncServer({
      dataDir: data,
      port,
      host: stringOption(parsed, 'host', env.COMMONS_SYNC_HOST) ?? '127.0.0.1',
      limits,
      registrationSecret: stringOption(parsed, 'registration-secret', env.COMMONS_SYNC_REGISTRATION_SECRET),
      log
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const hint =
      code === 'EADDRINUSE' ? 'another process uses that port; pick another with --port'
      : code === 'EACCES' ? 'no permission for that port or directory'
      : /lock/i.test((error as Error).message) ? 'another server runs on this data directory; stop it first or use another --data'
      : 'check the flags and the data directory'
    process.stderr.write(`commons-sync: cannot start: ${(error as Error).message}\n  ${hint}\n`)
    return exitAccess
  }
  process.stdout.write(`commons-sync listening on ${server.url} (data: ${data})\n`)

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`commons-sync: ${signal} again, exiting without finishing the shutdown\n`)
      process.exit(1)
    }
    stopping = true
    server.close().then(
      () => {
        process.stdout.write('commons-sync stopped\n')
        process.exit(0)
      },
      (error: unknown) => {
        process.stderr.write(`commons-sync: shutdown failed: ${(error as Error).message}\n`)
        process.exit(1)
      }
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  // Keeps running until a signal arrives.
  return undefined
}

async function adminTarget(parsed: Parsed, env: NodeJS.ProcessEnv) {
  return resolveAdminTarget({ dataDir: dataDir(parsed, env), url: stringOption(parsed, 'url'), adminToken: stringOption(parsed, 'admin-token') })
}

interface WorkspaceRow {
  workspaceId: string
  name: string
  createdAt: string
  tokens: number
  connections: number
}

type TokenRow = TokenView

async function workspaces(parsed: Parsed, env: NodeJS.ProcessEnv): Promise<number> {
  const answer = (await adminRequest(await adminTarget(parsed, env), 'GET', '/v1/admin/workspaces')) as { workspaces: WorkspaceRow[] }
  if (parsed.values.json === true) return printJson(answer)
  if (answer.workspaces.length === 0) {
    process.stdout.write('no workspaces yet\n')
    return 0
  }
  printTable(
    ['WORKSPACE', 'NAME', 'TOKENS', 'CONNECTIONS', 'CREATED'],
    answer.workspaces.map((w) => [w.workspaceId, w.name, String(w.tokens), String(w.connections), w.createdAt])
  )
  return 0
}

async function members(parsed: Parsed, env: NodeJS.ProcessEnv): Promise<number> {
  const workspaceId = parsed.positionals[0]!
  const answer = (await adminRequest(await adminTarget(parsed, env), 'GET', `/v1/admin/workspaces/${encodeURIComponent(workspaceId)}/tokens`, 'list the workspaces with: commons-sync workspaces')) as { tokens: TokenRow[] }
  if (parsed.values.json === true) return printJson(answer)
  printTable(
    ['TOKEN', 'NAME', 'ROLE', 'CONNECTIONS', 'CREATED', 'REVOKED'],
    answer.tokens.map((t) => [t.tokenId, t.name, t.role, String(t.connections), t.createdAt, t.revokedAt ?? '-'])
  )
  return 0
}

async function revoke(parsed: Parsed, env: NodeJS.ProcessEnv): Promise<number> {
  const tokenId = parsed.positionals[0]!
  const answer = (await adminRequest(await adminTarget(parsed, env), 'DELETE', `/v1/admin/tokens/${encodeURIComponent(tokenId)}`, "list a workspace's tokens with: commons-sync members WORKSPACE_ID")) as {
    tokenId: string
    revokedAt: string
    closedConnections: number
  }
  if (parsed.values.json === true) return printJson(answer)
  process.stdout.write(`revoked token ${answer.tokenId} (at ${answer.revokedAt}); closed ${answer.closedConnections} live connection(s)\n`)
  return 0
}

function printJson(value: unknown): number {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
  return 0
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')
  process.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n')
}

try {
  const code = await main(process.argv.slice(2), process.env)
  if (code !== undefined) process.exitCode = code
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`commons-sync: ${error.message}\n`)
    process.exitCode = exitUsage
  } else if (error instanceof AdminError) {
    process.stderr.write(`commons-sync: ${error.message}\n${error.hint === '' ? '' : `  ${error.hint}\n`}`)
    process.exitCode = error.exitCode === 2 ? exitNotFound : exitAccess
  } else {
    process.stderr.write(`commons-sync: ${(error as Error).stack ?? String(error)}\n`)
    process.exitCode = exitAccess
  }
}
