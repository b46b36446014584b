/**
 * Structured, quiet-by-default logging shared by every process.
 *
 * A log line is one JSON object on stderr: `{"t":"2026-11-21T05:15:40.123Z","level":"warn","scope":"sync-server","msg":"...", ...fields}`.
 * The level comes from `COMMONS_LOG_LEVEL` (debug, info, warn, error, silent); the default is `warn`,
 * so a healthy process prints nothing.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** A logger whose lines carry `scope` (nested scopes join with a dot). */
  child(scope: string): Logger
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'warn'): LogLevel {
  return value !== undefined && value in rank ? (value as LogLevel) : fallback
}

export interface LoggerOptions {
  scope: string
  level?: LogLevel
  /** Where lines go; stderr by default. Tests pass an array sink to read what was logged. */
  write?: (line: string) => void
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? parseLogLevel(globalThis.process?.env?.COMMONS_LOG_LEVEL)
  const write = options.write ?? ((line: string) => globalThis.process?.stderr?.write(line + '\n'))
  const make = (scope: string): Logger => {
    const emit = (lineLevel: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
      if (rank[lineLevel] < rank[level]) return
      write(JSON.stringify({ t: new Date().toISOString(), level: lineLevel, scope, msg, ...serializeFields(fields) }))
    }
    return {
      debug: (msg, fields) => emit('debug', msg, fields),
      info: (msg, fields) => emit('info', msg, fields),
      warn: (msg, fields) => emit('warn', msg, fields),
      error: (msg, fields) => emit('error', msg, fields),
      child: (childScope) => make(`${scope}.${childScope}`)
    }
  }
  return make(options.scope)
}

/** A logger that drops everything: for code paths that take a logger but are run quietly. */
export const silentLogger: Logger = createLogger({ scope: 'silent', level: 'silent' })

// Errors do not survive JSON.stringify (their fields are not enumerable), so spell them out.
function serializeFields(fields: LogFields | undefined): LogFields | undefined {
  if (fields === undefined) return undefined
  const out: LogFields = {}
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message } : value
  }
  return out
}
