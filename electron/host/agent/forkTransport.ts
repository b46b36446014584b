import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createLogger, type Logger } from '../../../shared/log.ts'
import type { HostToAgent } from '../../agent/protocol.ts'
import type { AgentTransport, AgentTransportFactory } from './agentClient.ts'

/**
 * The agent process as a Node child process (`child_process.fork`), for the CLI, the web host and tests.
 * The desktop app uses Electron's utilityProcess instead (electron/main.ts). Messages go as structured
 * clones ('advanced' serialization), as they do over a utility process's port.
 */

export interface ForkAgentOptions {
  /** The script to fork. Default: electron/agent/entry.mjs of this checkout, which loads the TypeScript with tsx. */
  entry?: string
  /** Node flags for the child. Default none (the parent's flags, e.g. a test runner's, are not inherited). */
  execArgv?: string[]
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv
  log?: Logger
}

export interface ForkedAgentTransport extends AgentTransport {
  /** The child's process id; undefined when it could not be started. */
  readonly pid: number | undefined
}

/** Where the launcher of a checkout is. Computed on demand: a bundle has no import.meta.url to start from. */
export function defaultAgentEntry(): string {
  return fileURLToPath(new URL('../../agent/entry.mjs', import.meta.url))
}

export function forkAgentTransport(options: ForkAgentOptions = {}): ForkedAgentTransport {
  const log = options.log ?? createLogger({ scope: 'host.agent' })
  const child: ChildProcess = fork(options.entry ?? defaultAgentEntry(), [], {
    execArgv: options.execArgv ?? [],
    env: options.env ?? process.env,
    serialization: 'advanced',
    // The agent's log lines go where the Host's go.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })

  const exitListeners: Array<(code: number | null, signal: string | null) => void> = []
  let exited = false
  const exit = (code: number | null, signal: string | null) => {
    if (exited) return
    exited = true
    for (const listener of exitListeners) listener(code, signal)
  }
  child.on('exit', exit)
  // 'error' is emitted when the child cannot be started, or a kill or send fails; unhandled it would
  // end the Host. A child that never started has no exit to wait for.
  child.on('error', (error) => {
    log.error('the agent process failed', { error, pid: child.pid })
    if (child.pid === undefined) exit(null, null)
  })

  return {
    get pid() {
      return child.pid
    },
    send(message: HostToAgent) {
      if (!child.connected) {
        log.warn('a message for the agent process was not sent: it is not running', { type: message.type })
        return
      }
      child.send(message, (error) => {
        if (error) log.warn('a message for the agent process was not sent', { type: message.type, error })
      })
    },
    onMessage(listener) {
      child.on('message', (message: unknown) => listener(message))
    },
    onExit(listener) {
      exitListeners.push(listener)
    },
    kill() {
      if (!exited) child.kill('SIGKILL')
    }
  }
}

export function forkAgentTransportFactory(options: ForkAgentOptions = {}): AgentTransportFactory {
  return () => forkAgentTransport(options)
}
