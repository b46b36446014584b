#!/usr/bin/env node
/**
 * The browser tests: headless Chromium (playwright-core) against the web host, which serves the built
 * renderer (dist/renderer) and runs a real Host per device; sync servers and a fake Messages API on
 * loopback, started and stopped by each scenario. `npm test` runs this after building the renderer
 * (test/run-all.mjs) and reads `{ passed, failed }` from the --summary file.
 *
 *   node test/e2e/run.mjs [--summary FILE] [--only TEXT[,TEXT]] [--repeat N] [--build] [--renderer-dir DIR] [--update-docs-screenshot]
 *
 * --build rebuilds the renderer first (it is built when dist/renderer has none); --renderer-dir serves
 * another build; --update-docs-screenshot also writes the README's picture, docs/screenshot.png (a normal
 * run leaves it alone, so `npm test` does not touch a committed file). Scenarios live in test/e2e/scenarios/*.e2e.ts; failure screenshots go to
 * test/.artifacts/e2e/, view screenshots to test/.artifacts/screenshots/.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const passOn = []
let summaryFile = null
let build = false
let rendererDir = process.env.COMMONS_E2E_RENDERER_DIR ?? path.join(root, 'dist', 'renderer')
const args = process.argv.slice(2)
for (let index = 0; index < args.length; index++) {
  const arg = args[index]
  if (arg === '--summary') summaryFile = path.resolve(args[++index])
  else if (arg === '--build') build = true
  else if (arg === '--renderer-dir') rendererDir = path.resolve(args[++index])
  else if (arg === '--only' || arg === '--repeat') passOn.push(arg, args[++index])
  else if (arg === '--update-docs-screenshot') process.env.COMMONS_E2E_UPDATE_DOCS_SCREENSHOT = '1'
  else {
    console.error(`usage: node test/e2e/run.mjs [--summary FILE] [--only TEXT] [--repeat N] [--build] [--renderer-dir DIR] [--update-docs-screenshot]\nunknown argument ${arg}`)
    process.exit(2)
  }
}

function finish(counts, code) {
  if (summaryFile !== null) {
    mkdirSync(path.dirname(summaryFile), { recursive: true })
    writeFileSync(summaryFile, JSON.stringify(counts) + '\n')
  }
  process.exit(code)
}

function run(command, commandArgs, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
    // A hung browser or server must not hold CI: the whole suite is bounded.
    const guard = setTimeout(() => {
      console.error('e2e: the browser tests took longer than 12 minutes; stopping them')
      child.kill('SIGKILL')
    }, 12 * 60_000)
    child.on('exit', (code, signal) => {
      clearTimeout(guard)
      resolve(code ?? (signal ? 1 : 0))
    })
    child.on('error', (error) => {
      clearTimeout(guard)
      console.error(`e2e: could not start ${command}: ${error.message}`)
      resolve(1)
    })
  })
}

if (!existsSync('/usr/bin/chromium')) {
  console.error('e2e: /usr/bin/chromium is missing (Debian: apt-get install -y chromium)')
  finish({ passed: 0, failed: 1 }, 1)
}
if (build || !existsSync(path.join(rendererDir, 'index.html'))) {
  if (rendererDir !== path.join(root, 'dist', 'renderer')) {
    console.error(`e2e: ${rendererDir} has no index.html`)
    finish({ passed: 0, failed: 1 }, 1)
  }
  console.log('e2e: building the renderer')
  const code = await run(process.execPath, [path.join(root, 'electron', 'build.mjs'), '--renderer'])
  if (code !== 0) finish({ passed: 0, failed: 1 }, 1)
}

if (summaryFile !== null) rmSync(summaryFile, { force: true })
const tsx = import.meta.resolve('tsx/esm')
const code = await run(process.execPath, ['--import', tsx, path.join(root, 'test', 'e2e', 'lib', 'main.ts'), ...passOn, ...(summaryFile !== null ? ['--summary', summaryFile] : [])], {
  COMMONS_E2E_RENDERER_DIR: rendererDir,
  // Hosts log into each scenario's buffer; the agent processes they fork print only errors.
  COMMONS_LOG_LEVEL: process.env.COMMONS_LOG_LEVEL ?? 'error'
})
let counts = { passed: 0, failed: 0 }
if (summaryFile !== null && existsSync(summaryFile)) counts = JSON.parse(readFileSync(summaryFile, 'utf8'))
// A runner that crashed or was stopped counts as a failure even if every scenario it finished passed.
if (code !== 0 && counts.failed === 0) counts.failed = 1
finish(counts, code === 0 && counts.failed === 0 ? 0 : 1)
