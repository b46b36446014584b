/**
 * What every `*.bench.ts` shares: its command line (`--quick`, `--only`, bench flags), statistics,
 * table printing and the JSON artifact under test/.artifacts/bench/.
 *
 * Benchmarks print numbers; they never assert timings (the machines that run them are noisy).
 */

import { mkdirSync, writeFileSync } from 'node:fs'
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const artifactsDir = join(repoRoot, 'test', '.artifacts', 'bench')

export interface BenchArgs {
  quick: boolean
  /** Scenario names given with --only; undefined when every scenario runs. */
  only: string[] | undefined
  /** Any other `--name value` or `--name=value` flag (a bare `--name` is "true"). */
  flags: Map<string, string>
}

export function parseBenchArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  const flags = new Map<string, string>()
  let only: string[] | undefined
  let quick = false
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq > 0 ? eq : undefined)
    let value: string
    if (eq > 0) value = arg.slice(eq + 1)
    else if (argv[index + 1] !== undefined && !argv[index + 1]!.startsWith('--')) value = argv[++index]!
    else value = 'true'
    if (name === 'quick') quick = value !== 'false'
    else if (name === 'only') only = [...(only ?? []), ...value.split(',').filter(Boolean)]
    else flags.set(name, value)
  }
  return { quick, only, flags }
}

/** Whether scenario `name` runs under `--only` (names match exactly, or by a prefix ending in `-`, e.g. `latency-` or `latency`). */
export function isSelected(args: BenchArgs, name: string): boolean {
  if (args.only === undefined) return true
  return args.only.some((wanted) => wanted === name || name.startsWith(wanted.endsWith('-') ? wanted : wanted + '-'))
}

export function numberFlag(args: BenchArgs, name: string, fallback: number): number {
  const raw = args.flags.get(name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${raw}`)
  return value
}

// ---------------------------------------------------------------------------------------------------
// Statistics

export interface Distribution {
  count: number
  mean: number
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
  min: number
}

/** Exact percentiles (nearest rank) of `values`; sorts a copy. */
export function distribution(values: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(values).sort()
  const count = sorted.length
  if (count === 0) return { count, mean: NaN, p50: NaN, p90: NaN, p99: NaN, p999: NaN, max: NaN, min: NaN }
  const at = (q: number) => sorted[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))]!
  let sum = 0
  for (const value of sorted) sum += value
  return { count, mean: sum / count, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: sorted[count - 1]!, min: sorted[0]! }
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return NaN
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

// ---------------------------------------------------------------------------------------------------
// Printing

export function formatMs(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-'
  if (value >= 100) return value.toFixed(0)
  if (value >= 10) return value.toFixed(1)
  return value.toFixed(2)
}

export function formatNumber(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '-'
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

export function formatRatio(ours: number | undefined, reference: number | undefined): string {
  if (ours === undefined || reference === undefined || !Number.isFinite(ours) || !Number.isFinite(reference) || reference <= 0) return '-'
  return `${(ours / reference).toFixed(2)}x`
}

/** A plain text table; numeric-looking cells are right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)))
  const numeric = /^[-+]?[\d,.]+( ?[a-zA-Z%/]*)?$|^-$/
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (numeric.test(cell) && column > 0 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd()
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

export function log(message: string): void {
  process.stdout.write(message + '\n')
}

/** Progress lines go to stderr so stdout stays the report. */
export function progress(message: string): void {
  process.stderr.write(`  .. ${message}\n`)
}

// ---------------------------------------------------------------------------------------------------
// Artifacts

export function environment(): Record<string, unknown> {
  const cpuList = cpus()
  return {
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model,
    totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
    loadAverage: loadavg()
  }
}

/** Says so when other work keeps the machine busy (numbers taken now are unreliable); returns the 1-minute load. */
export function warnIfBusy(what: string): number {
  const load = loadavg()[0]!
  const cores = cpus().length
  if (load > cores * 0.5) log(`!! ${what}: the machine is busy (load average ${load.toFixed(1)} on ${cores} cores); other processes skew these numbers.`)
  return load
}

/** Writes `test/.artifacts/bench/<name>-<timestamp>.json` and returns its path relative to the repo. */
export function writeArtifact(name: string, data: unknown): string {
  mkdirSync(artifactsDir, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z')
  const path = join(artifactsDir, `${name}-${stamp}.json`)
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n')
  return relative(repoRoot, path)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Runs `work` over `items` with at most `limit` in flight; rejects with the first failure. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed: unknown
  const lane = async () => {
    while (failed === undefined && next < items.length) {
      const index = next++
      try {
        results[index] = await work(items[index]!, index)
      } catch (error) {
        failed ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  if (failed !== undefined) throw failed
  return results
}
