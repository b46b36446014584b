import path from 'node:path'
import { fileURLToPath } from 'node:url'
import tailwindcss from '@tailwindcss/vite'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The renderer is a static bundle: Electron serves it from app://commons/, the web host from its own
// origin. `base: './'` keeps every URL relative so both work, and nothing is inlined as a script, so a
// strict Content-Security-Policy (script-src 'self') holds.
const rendererDir = path.dirname(fileURLToPath(import.meta.url))

export default defineConfig({
  root: rendererDir,
  base: './',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: path.join(rendererDir, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // The preload polyfill is the only thing Vite may inline; every browser we run in supports modulepreload.
    modulePreload: { polyfill: false },
    // No asset becomes a data: URL inside a script or style.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500
  },
  server: { strictPort: false }
})
