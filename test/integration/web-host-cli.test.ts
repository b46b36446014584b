import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../electron/webHost/bin.mjs')
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function run(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, COMMONS_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  return { child, exited, output: () => ({ stdout, stderr }) }
}

describe('npm run web', () => {
  it('prints a tokened loopback address, serves it, and stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'commons-web-cli-'))
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    const web = run(['--data', dataDir, '--port', '0', '--no-open'])
    while (!/Commons is running at /.test(web.output().stdout)) {
      if (web.child.exitCode !== null) throw new Error(`the web host exited: ${web.output().stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const url = /Commons is running at (\S+)/.exec(web.output().stdout)![1]!
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/)
    expect(web.output().stdout).toContain(dataDir)
    const page = await fetch(url)
    expect([200, 404]).toContain(page.status)
    expect((await fetch(new URL('/bridge', url))).status).toBe(426)
    web.child.kill('SIGTERM')
    expect(await web.exited).toBe(0)
  })

  it('explains bad flags and prints its usage', async () => {
    const bad = run(['--port', 'eighty'])
    expect(await bad.exited).toBe(1)
    expect(bad.output().stderr).toContain('--port must be a port number')
    const help = run(['--help'])
    expect(await help.exited).toBe(0)
    expect(help.output().stdout).toContain('--no-open')
  })
})
