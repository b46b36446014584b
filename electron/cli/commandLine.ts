import { readFile } from 'node:fs/promises'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CommonsError, ValidationError, type ErrorCode } from '../../shared/errors.ts'

/**
 * The shape of a `commons` command and how its outcome becomes an exit code. Commands are plain records
 * (name, usage, options, run) so the help text, the parser and the dispatcher all read one table.
 */

export const exitCodes = { ok: 0, usage: 1, notFound: 2, accessOrConnection: 3 } as const

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

export interface Io {
  stdout: (text: string) => void
  stdoutBytes: (bytes: Uint8Array) => void
  stderr: (text: string) => void
  readStdin: () => Promise<string>
  /** Lines typed on stdin, one at a time, until it closes (an interactive session reads these). */
  stdinLines: () => AsyncIterable<string>
  /** Resolves when the person interrupts (Ctrl+C); a live command stops then. */
  interrupted: Promise<void>
}

export interface ParsedArgs {
  positionals: string[]
  values: Record<string, string | boolean | string[] | undefined>
}

export interface Command<Context> {
  /** Words that select the command: `channel create`. */
  name: string
  usage: string
  summary: string
  options?: OptionSpec
  /** How many positional arguments it takes. */
  arity: { min: number; max: number }
  run(context: Context, args: ParsedArgs): Promise<void>
}

/** Options every command takes. */
export const globalOptions: OptionSpec = {
  data: { type: 'string' },
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
}

export class UsageError extends CommonsError {
  constructor(message: string, hint?: string) {
    super('invalid-input', message, hint)
  }
}

/** Finds the command whose name the arguments start with (the longest match) and parses its arguments. */
export function selectCommand<Context>(commands: readonly Command<Context>[], argv: readonly string[]): { command: Command<Context>; args: ParsedArgs } | null {
  const words = argv.filter((word) => !word.startsWith('-'))
  const candidates = commands
    .filter((command) => {
      const nameWords = command.name.split(' ')
      return nameWords.every((word, index) => words[index] === word)
    })
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
  const command = candidates[0]
  if (command === undefined) return null
  const rest = [...argv]
  for (const word of command.name.split(' ')) rest.splice(rest.indexOf(word), 1)
  let parsed
  try {
    parsed = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[\w+\]: /, ''), `usage: ${command.usage}`)
  }
  const args: ParsedArgs = { positionals: parsed.positionals, values: parsed.values as ParsedArgs['values'] }
  if (args.values.help !== true && (args.positionals.length < command.arity.min || args.positionals.length > command.arity.max)) {
    throw new UsageError(
      args.positionals.length < command.arity.min ? 'missing arguments' : `unexpected argument "${args.positionals[command.arity.max]}"`,
      `usage: ${command.usage}`
    )
  }
  return { command, args }
}

const exitCodeOfError: Record<ErrorCode, number> = {
  'invalid-input': exitCodes.usage,
  conflict: exitCodes.usage,
  config: exitCodes.usage,
  storage: exitCodes.usage,
  'not-found': exitCodes.notFound,
  forbidden: exitCodes.accessOrConnection,
  access: exitCodes.accessOrConnection,
  connection: exitCodes.accessOrConnection
}

/** The exit code and the lines to print on stderr for an error a command threw. */
export function describeFailure(error: unknown): { exitCode: number; lines: string[] } {
  if (error instanceof ValidationError) {
    return { exitCode: exitCodes.usage, lines: [`error: ${error.what}:`, ...error.problems.map((problem) => `  ${problem.field === '' ? '' : problem.field + ': '}${problem.problem}`)] }
  }
  if (error instanceof CommonsError) {
    const lines = [`error: ${error.message}`]
    if (error.hint !== undefined) lines.push(`hint: ${error.hint}`)
    return { exitCode: exitCodeOfError[error.code], lines }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { exitCode: exitCodes.usage, lines: [`error: ${message}`] }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name]
  return typeof value === 'string' ? value : undefined
}

/** A positive whole number from a flag, or the fallback; anything else is a usage error naming the flag. */
export function numberOption(args: ParsedArgs, name: string, fallback: number, limits: { min?: number; max?: number } = {}): number {
  const raw = stringOption(args, name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  const min = limits.min ?? 1
  const max = limits.max ?? Number.MAX_SAFE_INTEGER
  if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, not "${raw}"`)
  return value
}

/** Reads a file named on the command line; a missing or unreadable file is a not-found error naming it. */
export async function readLocalFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (error) {
    throw new CommonsError('not-found', `could not read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'check the path')
  }
}
