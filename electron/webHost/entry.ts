import { existsSync } from 'node:fs'
import path from 'node:path'
import { isCommonsError } from '../../shared/errors.ts'
import { createLogger } from '../../shared/log.ts'
import { resolveDataDirectory } from '../host/dataDirectory.ts'
import { parseWebHostFlags, usage } from './commandLine.ts'
import { startDevServer } from './devServer.ts'
import { openBrowser } from './openBrowser.ts'
import { defaultRendererDir, startWebHost } from './webHost.ts'

// `npm run web` and `npm run dev` (--dev): start, print the address, open it, stop on Ctrl+C.
const log = createLogger({ scope: 'web-host' })

try {
  const flags = parseWebHostFlags(process.argv.slice(2))
  if (flags.help) {
    process.stdout.write(usage)
    process.exit(0)
  }
  const dataDir = resolveDataDirectory(flags.data)
  const running = flags.dev
    ? await startDevServer({ dataDir, log, ...(flags.port !== undefined ? { port: flags.port } : {}) })
    : await startWebHost({ dataDir, log, ...(flags.port !== undefined ? { port: flags.port } : {}) })
  process.stdout.write(`Commons is running at ${running.url}\n(data: ${dataDir}; Ctrl+C stops it)\n`)
  if (!flags.dev && !existsSync(path.join(defaultRendererDir, 'index.html'))) {
    process.stdout.write('The renderer is not built yet: run `npm run build -- --renderer` (or use `npm run dev`).\n')
  }
  if (flags.open) openBrowser(running.url, (error) => log.warn('could not open a browser', { error }))

  let stopping = false
  const stop = () => {
    if (stopping) process.exit(1)
    stopping = true
    running
      .close()
      .catch((error: unknown) => log.error('stopping failed', { error }))
      .finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
} catch (error) {
  process.stderr.write(`commons web: ${error instanceof Error ? error.message : String(error)}\n`)
  if (isCommonsError(error) && error.hint !== undefined) process.stderr.write(`${error.hint}\n`)
  process.exit(isCommonsError(error, 'invalid-input') ? 1 : 2)
}
