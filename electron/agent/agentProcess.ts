/**
 * The agent process: the entry Node forks (through entry.mjs, which loads TypeScript with tsx) and
 * Electron starts as a utility process (bundled to dist/electron/agent.cjs by electron/build.mjs). It
 * owns every model call; the Host talks to it with the messages in protocol.ts.
 */
import { createLogger } from '../../shared/log.ts'
import { AgentServer } from './agentServer.ts'
import { connectToParent } from './parentChannel.ts'

const log = createLogger({ scope: 'agent' })
const channel = connectToParent()

let exiting = false
async function exit(code: number): Promise<void> {
  if (exiting) return
  exiting = true
  await channel.flush()
  process.exit(code)
}

const server = new AgentServer({
  send: (message) => channel.send(message),
  log,
  onShutdown: () => void exit(0)
})

channel.onMessage((message) => server.receive(message))
// A Host that went away cannot take results: stop what runs and leave rather than linger as an orphan.
channel.onDisconnect(() => {
  log.info('the Host disconnected; stopping')
  void server.stop('the Host went away').then(() => exit(0))
})
channel.send({ type: 'ready', pid: process.pid })
log.debug('agent process ready', { pid: process.pid, channel: channel.kind })
