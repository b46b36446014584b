#!/usr/bin/env node
// `npm start`: builds the main process, preload and renderer, then launches Electron on them. The
// electron package fetches its binary the first time it is launched (Electron 45 has no install step),
// so the first start needs a network connection; `npx install-electron` does that ahead of time.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const build = spawn(process.execPath, [path.join(root, 'electron/build.mjs')], { stdio: 'inherit' })
const built = await new Promise((resolve) => build.on('exit', (code) => resolve(code === 0)))
if (!built) process.exit(1)

const electronCli = createRequire(import.meta.url).resolve('electron/cli.js')
const app = spawn(process.execPath, [electronCli, path.join(root, 'dist/electron/main.cjs'), ...process.argv.slice(2)], { stdio: 'inherit' })
app.on('exit', (code) => process.exit(code ?? 1))
