import { spawn } from 'node:child_process'

/** Opens `url` in the default browser; a failure is only logged (the address is printed anyway). */
export function openBrowser(url: string, onError: (error: Error) => void): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]]
  const child = spawn(command, args as string[], { stdio: 'ignore', detached: true })
  child.on('error', onError)
  child.unref()
}
