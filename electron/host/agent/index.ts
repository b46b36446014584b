/**
 * How the Host reaches the agent process. `createAgentClient()` gives the supervisor over a forked
 * Node process (the CLI, the web host, tests); the desktop app passes its utilityProcess transport
 * factory (electron/main.ts) as `createTransport`.
 */
import type { Logger } from '../../../shared/log.ts'
import type { AgentClient, AgentTransportFactory } from './agentClient.ts'
import { AgentSupervisor, type AgentSupervisorOptions } from './agentSupervisor.ts'
import { forkAgentTransportFactory } from './forkTransport.ts'

export * from './agentClient.ts'
export { AgentSupervisor, defaultRestartDelayMs, type AgentSupervisorOptions } from './agentSupervisor.ts'
export { defaultAgentEntry, forkAgentTransport, forkAgentTransportFactory, type ForkAgentOptions, type ForkedAgentTransport } from './forkTransport.ts'

export interface AgentClientOptions extends Partial<AgentSupervisorOptions> {
  /** Default: fork electron/agent/entry.mjs under Node. */
  createTransport?: AgentTransportFactory
  log?: Logger
}

export function createAgentClient(options: AgentClientOptions = {}): AgentClient {
  const createTransport = options.createTransport ?? forkAgentTransportFactory(options.log ? { log: options.log } : {})
  return new AgentSupervisor({ ...options, createTransport })
}
