import { CommonsError } from '../../shared/errors.ts'

/** The flags of `npm run web` and `npm run dev`. */
export interface WebHostFlags {
  data: string | undefined
  port: number | undefined
  open: boolean
  dev: boolean
  help: boolean
}

export const usage = `Usage: npm run web -- [--data DIR] [--port P] [--no-open]
       npm run dev -- [--data DIR] [--port P] [--no-open]

Serves Commons to a browser on this machine (127.0.0.1 only), with the same Host as the desktop app.
  --data DIR   the device's data directory (default: COMMONS_DATA, else the platform's usual place)
  --port P     the port to listen on; 0 picks a free one (web: 0 by default; dev: Vite's 5173)
  --no-open    print the address without opening a browser
The address printed carries a per-launch token; the page needs it to reach the Host.
`

export function parseWebHostFlags(args: readonly string[]): WebHostFlags {
  const flags: WebHostFlags = { data: undefined, port: undefined, open: true, dev: false, help: false }
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = () => {
      const next = inline ?? args[++index]
      if (next === undefined || next === '') throw new CommonsError('invalid-input', `${name} needs a value`, usage)
      return next
    }
    switch (name) {
      case '--data':
        flags.data = value()
        break
      case '--port': {
        const text = value()
        const port = Number(text)
        if (!/^\d+$/.test(text) || port > 65535) throw new CommonsError('invalid-input', `--port must be a port number (0 to 65535), not ${JSON.stringify(text)}`)
        flags.port = port
        break
      }
      case '--no-open':
        flags.open = false
        break
      case '--dev':
        flags.dev = true
        break
      case '--help':
      case '-h':
        flags.help = true
        break
      default:
        throw new CommonsError('invalid-input', `unknown option ${JSON.stringify(arg)}`, usage)
    }
  }
  return flags
}
