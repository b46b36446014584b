import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { silentLogger } from '../../../shared/log.ts'
import { Host } from '../../../electron/host/host.ts'
import type { WorkspaceSession } from '../../../electron/host/workspaceSession.ts'
import { temporaryDirectory } from './cli.ts'

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** A free loopback port, so a stopped server can come back on the same address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

export interface Device {
  name: string
  host: Host
  session: WorkspaceSession
  dataDir: string
}

/** A device: its own data directory and Host, as if it were another machine. */
export async function openDevice(name: string, cleanups: Array<() => Promise<unknown>>, options: { backgroundSync?: boolean } = {}): Promise<{ host: Host; dataDir: string }> {
  const directory = await temporaryDirectory(`commons-${name}-`)
  const host = await Host.open({ dataDir: directory.path, source: 'test', log: silentLogger, backgroundSync: options.backgroundSync ?? false })
  cleanups.push(directory.remove, () => host.close())
  return { host, dataDir: directory.path }
}

/** Creates a workspace on a first device and joins it from the others, all through `serverUrl`. */
export async function workspaceOnDevices(
  names: string[],
  serverUrl: string,
  cleanups: Array<() => Promise<unknown>>,
  options: { backgroundSync?: boolean } = {}
): Promise<Device[]> {
  const [firstName, ...others] = names
  const first = await openDevice(firstName!, cleanups, options)
  const owner = await first.host.createWorkspace({ name: 'Acme', userName: firstName!, serverUrl })
  await owner.waitForSync(10_000)
  const devices: Device[] = [{ name: firstName!, host: first.host, session: owner, dataDir: first.dataDir }]
  for (const name of others) {
    const device = await openDevice(name, cleanups, options)
    const invite = await first.host.createInvite(owner.id)
    const session = await device.host.joinWorkspace({ invite, userName: name, timeoutMs: 10_000 })
    devices.push({ name, host: device.host, session, dataDir: device.dataDir })
  }
  return devices
}

/** Waits until every device and the server agree: each device gives the server its changes, then takes everyone's. */
export async function converge(devices: readonly Device[], timeoutMs = 15_000): Promise<void> {
  for (let round = 0; round < 2; round++) {
    for (const device of devices) await device.session.waitForSync(timeoutMs)
  }
}

/** The sync server as its own process, so a test can SIGKILL it. */
export async function spawnServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(repositoryRoot, 'sync-server/bin.mjs'), 'serve', '--port', String(port), '--data', dataDir], {
    env: { ...process.env, COMMONS_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`)
      if (response.ok) return child
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`the sync server exited with ${child.exitCode}`)
    if (Date.now() > deadline) throw new Error('the sync server did not start')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A small seeded random generator (mulberry32), so a failing seed can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}
