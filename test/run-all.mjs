#!/usr/bin/env node
// `npm test`: everything CI runs, in order, with one summary line at the end: `N passed, N failed`.
// Steps: the type check, the unit and integration tests (vitest), and, when the renderer exists, its build
// and the browser tests. Each step's own output streams through; a step that is not a test suite (the
// type check, the build) counts as one test.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const artifacts = path.join(root, 'test', '.artifacts')
mkdirSync(artifacts, { recursive: true })

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...options.env } })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`)
      resolve(1)
    })
  })
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const totals = { passed: 0, failed: 0 }
const failedSteps = []

async function step(name, command, args) {
  console.log(`\n▶ ${name}`)
  const code = await run(command, args)
  if (code === 0) totals.passed++
  else {
    totals.failed++
    failedSteps.push(name)
  }
}

/** Runs vitest projects and counts their tests from the JSON report. */
async function vitestStep(name, projects) {
  console.log(`\n▶ ${name}`)
  const report = path.join(artifacts, `vitest-${projects.join('-')}.json`)
  rmSync(report, { force: true })
  const projectArgs = projects.flatMap((project) => ['--project', project])
  const code = await run(bin('vitest'), ['run', ...projectArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`])
  if (!existsSync(report)) {
    totals.failed++
    failedSteps.push(`${name} (no report: vitest exited ${code})`)
    return
  }
  const result = JSON.parse(readFileSync(report, 'utf8'))
  totals.passed += result.numPassedTests
  totals.failed += result.numFailedTests
  // A file that fails to load has no tests to count, but it is a failure all the same.
  const brokenFiles = result.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length
  totals.failed += brokenFiles
  if (result.numFailedTests > 0 || brokenFiles > 0 || code !== 0) failedSteps.push(name)
  if (result.numTotalTests === 0) {
    totals.failed++
    failedSteps.push(`${name} (ran no test)`)
  }
}

await step('type check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])
await vitestStep('unit and integration tests', ['unit', 'integration'])
if (existsSync(path.join(root, 'renderer', 'index.html'))) {
  await step('renderer build', process.execPath, [path.join(root, 'electron', 'build.mjs'), '--renderer'])
  if (existsSync(path.join(root, 'test', 'e2e', 'run.mjs'))) {
    console.log('\n▶ browser tests')
    const code = await run(process.execPath, [path.join(root, 'test', 'e2e', 'run.mjs'), '--summary', path.join(artifacts, 'e2e-summary.json')])
    const summaryFile = path.join(artifacts, 'e2e-summary.json')
    if (existsSync(summaryFile)) {
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8'))
      totals.passed += summary.passed
      totals.failed += summary.failed
      if (summary.failed > 0 || code !== 0) failedSteps.push('browser tests')
    } else {
      totals.failed++
      failedSteps.push('browser tests (no summary)')
    }
  }
}

if (failedSteps.length > 0) console.log(`\nfailed: ${failedSteps.join(', ')}`)
console.log(`\n${totals.passed} passed, ${totals.failed} failed`)
process.exit(totals.failed > 0 ? 1 : 0)
