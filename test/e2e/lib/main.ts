/**
 * The browser tests' runner (started by test/e2e/run.mjs): loads every scenarios/*.e2e.ts, runs the
 * scenarios one after another and writes `{ passed, failed }` to the summary file.
 *
 *   --summary FILE     where the counts go
 *   --only TEXT        scenarios whose name contains TEXT (repeatable, or comma-separated)
 *   --repeat N         run the selection N times (to look for flakiness)
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { artifactsDir, runScenario, scenarios, setCurrentFile } from './harness.ts'
import { repoRoot } from './paths.ts'

const args = process.argv.slice(2)
let summaryFile: string | null = null
const only: string[] = []
let repeat = 1
for (let index = 0; index < args.length; index++) {
  const arg = args[index]!
  if (arg === '--summary') summaryFile = args[++index] ?? null
  else if (arg === '--only') only.push(...(args[++index] ?? '').split(',').filter(Boolean))
  else if (arg === '--repeat') repeat = Math.max(1, Number(args[++index] ?? 1))
  else {
    console.error(`e2e: unknown argument ${arg}`)
    process.exit(2)
  }
}

// No scenario may reach a real model: only the fake Messages API a scenario starts sets these.
delete process.env['ANTHROPIC_API_KEY']
delete process.env['ANTHROPIC_BASE_URL']

const writeSummary = (counts: { passed: number; failed: number }) => {
  if (summaryFile === null) return
  mkdirSync(path.dirname(summaryFile), { recursive: true })
  writeFileSync(summaryFile, JSON.stringify(counts) + '\n')
}

const scenarioDir = path.join(repoRoot, 'test', 'e2e', 'scenarios')
for (const file of readdirSync(scenarioDir).filter((name) => name.endsWith('.e2e.ts')).sort()) {
  setCurrentFile(file)
  await import(pathToFileURL(path.join(scenarioDir, file)).href)
}

const selected = scenarios().filter((entry) => only.length === 0 || only.some((text) => entry.name.toLowerCase().includes(text.toLowerCase())))
if (selected.length === 0) {
  console.error(`e2e: no scenario matches ${only.join(', ')}`)
  writeSummary({ passed: 0, failed: 1 })
  process.exit(1)
}

// Failure screenshots of earlier runs would be mistaken for this run's.
rmSync(artifactsDir, { recursive: true, force: true })

const counts = { passed: 0, failed: 0 }
const started = performance.now()
for (let round = 1; round <= repeat; round++) {
  if (repeat > 1) console.log(`round ${round} of ${repeat}`)
  for (const entry of selected) {
    const result = await runScenario(entry)
    const seconds = `(${(result.ms / 1000).toFixed(1)} s)`
    if (result.ok) {
      counts.passed++
      console.log(`  ✓ ${result.name} ${seconds}`)
    } else {
      counts.failed++
      console.log(`  ✗ ${result.name} ${seconds}\n    ${result.error!.replaceAll('\n', '\n    ')}`)
    }
    writeSummary(counts)
  }
}
console.log(`\nbrowser tests: ${counts.passed} passed, ${counts.failed} failed (${((performance.now() - started) / 1000).toFixed(0)} s)`)
writeSummary(counts)
// Anything a scenario left running (a timer, a socket) must not keep the runner alive.
process.exit(counts.failed > 0 ? 1 : 0)
