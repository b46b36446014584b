import { createInterface } from 'node:readline'
import { runCommandLine } from './main.ts'

// The process side of the command line: real stdio, Ctrl+C, and the exit code.
const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve())
  process.once('SIGTERM', () => resolve())
})

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const exitCode = await runCommandLine(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stdoutBytes: (bytes) => process.stdout.write(bytes),
  stderr: (text) => process.stderr.write(text),
  readStdin,
  stdinLines: () => createInterface({ input: process.stdin, terminal: false }),
  interrupted
})
// Let stdout drain, then exit even if a socket or timer is still winding down.
process.stdout.write('', () => process.exit(exitCode))
