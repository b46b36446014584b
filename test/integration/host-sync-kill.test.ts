/**
 * What waitForAgreement confirms survives kill -9 of the sync server: the write barrier is how
 * `commons sync` knows that the device and the server agree.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { registerWorkspace } from '../../electron/host/sync/serverApi.ts'
import { WorkspaceSync } from '../../electron/host/sync/workspaceSync.ts'
import { newId } from '../../shared/ids.ts'
import { startSyncServer } from '../../sync-server/server.ts'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// Runs as an ES module given with -e, so it resolves imports from its cwd, the repo.
const serverScript = `
import { startSyncServer } from './sync-server/server.ts'
const server = await startSyncServer({ dataDir: process.env.SERVER_DIR, port: 0 })
process.stdout.write(JSON.stringify({ url: server.url }) + '\\n')
`

function startServerProcess(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', serverScript], {
      cwd: repo,
      env: { ...process.env, SERVER_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'))
    let out = ''
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n')[0]
      if (out.includes('\n') && line !== undefined) resolve({ url: (JSON.parse(line) as { url: string }).url, child })
    })
    child.on('exit', (code) => reject(new Error(`the server process exited (${code}) before it listened: ${err}`)))
  })
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

describe('waitForAgreement and kill -9 of the server', () => {
  it('everything agreed on is there after the server is killed and restarted', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'commons-host-sync-kill-'))
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    const { url, child } = await startServerProcess(dataDir)
    const workspaceId = newId('ws')
    const { token } = await registerWorkspace(url, { workspaceId, name: 'Ops', ownerName: 'Ada' })
    const names = [`${workspaceId}/root`, `${workspaceId}/channel/${newId('ch')}`]

    const device = new WorkspaceSync({ serverUrl: url, token, workspaceId, maxBackoffMs: 300 })
    cleanups.push(() => device.destroy())
    const docs = names.map((name) => {
      const doc = new Y.Doc()
      device.attach(name, doc)
      return doc
    })
    for (let i = 0; i < 300; i++) {
      for (const doc of docs) doc.getArray('items').push([i])
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    await device.waitForAgreement()
    await killed(child)
    device.destroy()

    const server = await startSyncServer({ dataDir, port: 0 })
    cleanups.push(() => server.close())
    const fresh = new WorkspaceSync({ serverUrl: server.url, token, workspaceId })
    cleanups.push(() => fresh.destroy())
    const copies = names.map((name) => {
      const doc = new Y.Doc()
      fresh.attach(name, doc)
      return doc
    })
    await fresh.waitForAgreement()
    for (const copy of copies) expect(copy.getArray('items').toArray()).toEqual(Array.from({ length: 300 }, (_, i) => i))
  })
})
