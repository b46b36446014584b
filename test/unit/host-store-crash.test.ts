import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DocStore } from '../../electron/host/store/docStore.ts'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const name = 'ws_aaaaaaaaaaaaaaaaaaaa/channel/ch_bbbbbbbbbbbbbbbbbbbb'

// The writer runs as an ES module given with -e: it resolves imports from its cwd, the repo.
// It appends consecutive numbers to an array, sometimes several per batch, sometimes without waiting
// for the write, and prints "flushed <n>" once a flush covering items 0..n-1 has resolved.
const writer = `
import * as Y from 'yjs'
import { DocStore } from './electron/host/store/docStore.ts'
const store = await DocStore.open({ directory: process.env.STORE_DIR, compactAfter: 7 })
const doc = new Y.Doc()
const bound = await store.bind(${JSON.stringify(name)}, doc)
const items = doc.getArray('items')
process.stdout.write('ready ' + items.length + '\\n')
for (let round = 0; ; round++) {
  const count = 1 + (round % 3)
  for (let k = 0; k < count; k++) items.push([items.length])
  if (round % 4 === 3) {
    await new Promise((resolve) => setImmediate(resolve))
  } else {
    const covered = items.length
    await bound.flush()
    process.stdout.write('flushed ' + covered + '\\n')
  }
}
`

interface Run {
  startedWith: number
  flushed: number
}

/** Runs the writer until it has flushed `atLeast` items past where it started, then SIGKILLs it. */
function runAndKill(dir: string, atLeast: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', writer], {
      cwd: repo,
      env: { ...process.env, STORE_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let startedWith = -1
    let flushed = -1
    let buffer = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) {
        const [word, value] = line.split(' ')
        if (word === 'ready') startedWith = Number(value)
        if (word === 'flushed') flushed = Number(value)
      }
      if (startedWith >= 0 && flushed >= startedWith + atLeast && !child.killed) child.kill('SIGKILL')
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ startedWith, flushed })
      else reject(new Error(`the writer exited with ${code ?? signal} before it was killed: ${stderr}`))
    })
  })
}

async function readItems(dir: string): Promise<unknown[]> {
  const store = await DocStore.open({ directory: dir })
  try {
    const doc = new Y.Doc()
    await store.bind(name, doc)
    return doc.getArray('items').toArray()
  } finally {
    // Closing compacts the log; the next writer then starts from one entry, which is fine.
    await store.close()
  }
}

let dir = ''
afterEach(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

describe('DocStore after kill -9', () => {
  it('reopens with a consistent prefix that holds everything whose flush resolved', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'commons-store-crash-'))
    let expectedAtLeast = 0
    for (let run = 0; run < 3; run++) {
      const result = await runAndKill(dir, 150)
      expect(result.startedWith).toBeGreaterThanOrEqual(expectedAtLeast)
      const stored = await readItems(dir)
      // A prefix: 0, 1, 2, ... with no gap and nothing out of order.
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i))
      expect(stored.length).toBeGreaterThanOrEqual(result.flushed)
      expectedAtLeast = stored.length
    }
  })
})
