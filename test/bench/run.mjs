#!/usr/bin/env node
/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (each a self-contained script, run with tsx in its
 * own process) one after another, in name order.
 *
 *   npm run bench                          every bench, full length
 *   npm run bench -- --quick               a short smoke run of every bench
 *   npm run bench -- --only sync           only sync.bench.ts
 *   npm run bench -- --only sync:memory    only the `memory` scenario of sync.bench.ts
 *   npm run bench -- --only latency-100    that scenario, in whichever bench has it
 *   npm run bench -- --list                the bench files
 *
 * `--only` takes names separated by commas and may be repeated. A name that is a bench file's name
 * (without `.bench.ts`) selects that file whole; `file:scenario` selects a scenario of one file; any
 * other name is passed as `--only <name>` to every file that takes scenario names (one that parses its
 * arguments with lib/bench-kit.ts's parseBenchArgs, or mentions '--only'; a bench without such a scenario
 * says so and exits 0), and files that take none are skipped. Every other argument is passed through to
 * each bench as is (`--quick`, bench-specific flags).
 *
 * Benchmarks print numbers and write JSON under test/.artifacts/bench/; they assert no timings. The
 * exit code is non-zero when a bench process failed (crashed, or reported a failed check).
 */

import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const benchDir = dirname(fileURLToPath(import.meta.url))
const tsxLoader = import.meta.resolve('tsx/esm')

const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort()
const names = files.map((file) => file.slice(0, -'.bench.ts'.length))

const args = process.argv.slice(2)
const only = []
const passThrough = []
let list = false
for (let index = 0; index < args.length; index++) {
  const arg = args[index]
  if (arg === '--only') {
    const value = args[++index]
    if (value === undefined) fail('--only needs a name (a bench file, file:scenario, or a scenario)')
    only.push(...value.split(',').filter(Boolean))
  } else if (arg.startsWith('--only=')) {
    only.push(...arg.slice('--only='.length).split(',').filter(Boolean))
  } else if (arg === '--list') {
    list = true
  } else if (arg === '--help' || arg === '-h') {
    console.log(readHelp())
    process.exit(0)
  } else {
    passThrough.push(arg)
  }
}

if (list) {
  for (const name of names) console.log(name)
  process.exit(0)
}
if (files.length === 0) fail(`no *.bench.ts files in ${benchDir}`)

/** Whether a bench file handles `--only <scenario>` itself. */
function takesScenarios(file) {
  const source = readFileSync(join(benchDir, file), 'utf8')
  return /parseBenchArgs|['"]--only['"]/.test(source)
}

/** For each file: undefined = skip, [] = run whole, [scenario...] = run with --only. */
function selection(name, file) {
  if (only.length === 0) return []
  if (only.includes(name)) return []
  if (!takesScenarios(file)) return undefined
  const scenarios = []
  for (const token of only) {
    const colon = token.indexOf(':')
    if (colon > 0) {
      if (token.slice(0, colon) === name) scenarios.push(token.slice(colon + 1))
    } else if (!names.includes(token)) {
      scenarios.push(token)
    }
  }
  return scenarios.length > 0 ? scenarios : undefined
}

for (const token of only) {
  const file = token.includes(':') ? token.slice(0, token.indexOf(':')) : undefined
  if (file !== undefined && !names.includes(file)) fail(`--only ${token}: there is no ${file}.bench.ts (have: ${names.join(', ')})`)
}

const results = []
const started = Date.now()
for (const [index, file] of files.entries()) {
  const name = names[index]
  const scenarios = selection(name, file)
  if (scenarios === undefined) continue
  const benchArgs = [...passThrough, ...(scenarios.length > 0 ? ['--only', scenarios.join(',')] : [])]
  console.log(`\n=== ${name} (${file}${benchArgs.length > 0 ? ' ' + benchArgs.join(' ') : ''}) ===\n`)
  const fileStarted = Date.now()
  const code = await runFile(join(benchDir, file), benchArgs)
  results.push({ name, code, seconds: (Date.now() - fileStarted) / 1000 })
}

if (results.length === 0) fail(`--only ${only.join(',')} selected no bench (have: ${names.join(', ')})`)

console.log('\n=== benches ===')
for (const { name, code, seconds } of results) {
  console.log(`${code === 0 ? 'ok    ' : 'FAILED'} ${name.padEnd(24)} ${seconds.toFixed(1).padStart(7)} s${code === 0 ? '' : `  (exit ${code})`}`)
}
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`)
process.exit(results.every((result) => result.code === 0) ? 0 : 1)

function runFile(path, benchArgs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, '--expose-gc', path, ...benchArgs], {
      stdio: 'inherit',
      cwd: join(benchDir, '..', '..')
    })
    // Ctrl-C reaches the child through the terminal's process group; wait for it to clean up.
    const onSignal = () => {}
    process.on('SIGINT', onSignal)
    child.on('error', (error) => {
      console.error(`cannot start ${path}: ${error.message}`)
      resolve(1)
    })
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onSignal)
      resolve(code ?? (signal ? 128 : 1))
    })
  })
}

function readHelp() {
  const source = fileURLToPath(import.meta.url)
  return `usage: node ${source.replace(process.cwd() + '/', '')} [--quick] [--only NAME[,NAME...]] [--list] [bench flags...]\n\nbenches: ${names.join(', ')}`
}

function fail(message) {
  console.error(`bench: ${message}`)
  process.exit(2)
}
