#!/usr/bin/env node
// Builds what Electron runs: the main process, the preload and the agent process, bundled by esbuild into dist/electron
// (CommonJS, because a sandboxed preload must be), and with --renderer the React renderer by Vite into
// dist/renderer. `npm start` runs this first; `npm run build` runs all of it.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const only = process.argv.slice(2)
const wants = (part) => only.length === 0 || only.includes(`--${part}`)

if (wants('main')) {
  const common = {
    outdir: path.join(root, 'dist/electron'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning'
  }
  await build({
    ...common,
    entryPoints: {
      main: path.join(root, 'electron/main.ts'),
      // The agent process, started by main as an Electron utility process.
      agent: path.join(root, 'electron/agent/agentProcess.ts')
    },
    // Electron is provided at run time; classic-level loads its native prebuild from node_modules.
    external: ['electron', 'classic-level'],
    // CommonJS has no import.meta; modules that locate files with import.meta.url get the bundle's own URL.
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' }
  })
  // The preload runs sandboxed: its `require` knows `electron` and little else, so it gets no banner and
  // must bundle everything it uses.
  await build({ ...common, entryPoints: { preload: path.join(root, 'electron/preload.ts') }, external: ['electron'] })
  console.log('built dist/electron/main.cjs, preload.cjs and agent.cjs')
}

if (wants('renderer') && existsSync(path.join(root, 'renderer/index.html'))) {
  const { build: viteBuild } = await import('vite')
  await viteBuild({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: 'warn' })
  console.log('built dist/renderer')
}
