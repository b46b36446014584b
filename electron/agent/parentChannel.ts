import { CommonsError } from '../../shared/errors.ts'
import type { AgentToHost } from './protocol.ts'

/**
 * The agent process's channel to the Host, whichever way it was started: Node's `child_process.fork`
 * (the CLI, the web host, tests) gives `process.send` and `process.on('message')`; Electron's
 * `utilityProcess.fork` (the desktop app) gives `process.parentPort`. No `electron` import is needed:
 * the port is found on `process` at run time.
 */

export interface ParentChannel {
  readonly kind: 'fork' | 'utility-process'
  send(message: AgentToHost): void
  onMessage(listener: (message: unknown) => void): void
  /** The Host went away (fork only: a utility process ends with its parent). */
  onDisconnect(listener: () => void): void
  /** Resolves when what was sent has been handed to the operating system, so exiting loses nothing. */
  flush(): Promise<void>
}

/** Electron's `process.parentPort`, as much of it as is used here. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

type ProcessLike = Pick<NodeJS.Process, 'on' | 'send' | 'connected'> & { parentPort?: ParentPortLike }

export function connectToParent(proc: ProcessLike = process as ProcessLike): ParentChannel {
  const port = proc.parentPort
  if (port) {
    return {
      kind: 'utility-process',
      send: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onDisconnect: () => {},
      flush: async () => {}
    }
  }
  const send = proc.send?.bind(proc)
  if (!send) {
    throw new CommonsError(
      'config',
      'the agent process has no channel to the Host',
      'start it with child_process.fork (electron/host/agent/forkTransport.ts) or Electron utilityProcess.fork, not on its own'
    )
  }
  const pending = new Set<Promise<void>>()
  return {
    kind: 'fork',
    send(message) {
      if (!proc.connected) return
      const sent = new Promise<void>((resolve) => {
        // An error here means the Host is gone; the disconnect handler ends the process.
        send(message, undefined, {}, () => resolve())
      })
      pending.add(sent)
      void sent.then(() => pending.delete(sent))
    },
    onMessage: (listener) => proc.on('message', (message: unknown) => listener(message)),
    onDisconnect: (listener) => proc.on('disconnect', listener),
    flush: async () => {
      await Promise.all(pending)
    }
  }
}
