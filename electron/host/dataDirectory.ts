/**
 * Where a device keeps its data: the Y.Doc store (`docs/`), `device.json` and blobs.
 *
 * One directory per device and user. `COMMONS_DATA` (or the `--data` flag of the command-line tool)
 * points a process somewhere else, which is how tests and a second local profile run side by side.
 */

import os from 'node:os'
import path from 'node:path'

const appFolder = 'Commons'

/** The platform's usual place for application data, unless `COMMONS_DATA` says otherwise. */
export function defaultDataDirectory(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir()
): string {
  const override = env.COMMONS_DATA
  if (override !== undefined && override.trim() !== '') return override
  switch (platform) {
    case 'win32': {
      const appData = env.APPDATA
      return appData !== undefined && appData !== ''
        ? path.win32.join(appData, appFolder)
        : path.win32.join(home, 'AppData', 'Roaming', appFolder)
    }
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', appFolder)
    default: {
      // The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
      const xdg = env.XDG_DATA_HOME
      return xdg !== undefined && path.posix.isAbsolute(xdg)
        ? path.posix.join(xdg, appFolder)
        : path.posix.join(home, '.local', 'share', appFolder)
    }
  }
}

/** The data directory a process should use: the `--data` flag when given, else the default; always absolute. */
export function resolveDataDirectory(flag?: string): string {
  const chosen = flag !== undefined && flag.trim() !== '' ? flag : defaultDataDirectory()
  return path.resolve(expandHome(chosen))
}

// A shell expands `~` in `--data ~/x`, but not in `--data=~/x` or in an env var; do it here for both.
function expandHome(value: string): string {
  if (value === '~') return os.homedir()
  if (value.startsWith('~/') || value.startsWith('~\\')) return path.join(os.homedir(), value.slice(2))
  return value
}
