import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const cliBin = path.join(repositoryRoot, 'electron/cli/bin.mjs')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `commons ARGS --data DIR` as a separate process, the way a script would. */
export function runCli(dataDir: string, args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args, '--data', dataDir], {
      env: { ...process.env, COMMONS_LOG_LEVEL: 'error', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }))
    child.stdin.end(options.stdin ?? '')
  })
}

/** Runs a command that must succeed and returns its parsed --json output. */
export async function cliJson<T = any>(dataDir: string, args: string[], options?: { stdin?: string }): Promise<T> {
  const result = await runCli(dataDir, [...args, '--json'], options)
  if (result.code !== 0) throw new Error(`commons ${args.join(' ')} exited ${result.code}\n${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

export async function temporaryDirectory(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const directory = await mkdtemp(path.join(os.tmpdir(), prefix))
  return { path: directory, remove: () => rm(directory, { recursive: true, force: true }) }
}
