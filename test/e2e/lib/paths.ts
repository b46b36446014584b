import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const screenshotsDir = path.join(repoRoot, 'test', '.artifacts', 'screenshots')
