import { spawn } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The electron-builder configuration (electron-builder.yml), checked with electron-builder's own loader
// and schema, and by a dry run: the real packager on a stand-in Electron (the real binary is downloaded
// on first launch and cannot be fetched here), so what lands in app.asar is what a release would hold.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const fromRoot = createRequire(path.join(root, 'package.json'))
const fromBuilder = createRequire(fromRoot.resolve('electron-builder'))
const fromLib = createRequire(fromBuilder.resolve('app-builder-lib'))
const { getConfig, validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: unknown): Promise<Record<string, any>>
  validateConfiguration(config: unknown, logger: unknown): Promise<void>
}
const { DebugLogger } = fromLib('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
const asar = fromLib('@electron/asar') as { listPackage(file: string): string[]; extractFile(file: string, inner: string): Buffer; extractAll(file: string, to: string): void }

let config: Record<string, any>

beforeAll(async () => {
  config = await getConfig(root, null, null)
})

/** The `files` patterns (the loader wraps them as `[{ filter: [...] }]`). */
const filePatterns = (): string[] => (config.files as Array<string | { filter: string[] }>).flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.filter))
const targetsOf = (platform: string): string[] => (config[platform].target as Array<string | { target: string }>).map((entry) => (typeof entry === 'string' ? entry : entry.target))

/** A PNG's width and height, from its header. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file)
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** classic-level and everything it requires, as installed. */
function classicLevelClosure(): string[] {
  const seen = new Map<string, string>()
  const visit = (name: string, from: string) => {
    const manifest = createRequire(path.join(from, 'package.json')).resolve(`${name}/package.json`)
    const directory = path.dirname(manifest)
    if (seen.has(directory)) return
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; dependencies?: Record<string, string> }
    seen.set(directory, pkg.name)
    for (const dependency of Object.keys(pkg.dependencies ?? {})) visit(dependency, directory)
  }
  visit('classic-level', root)
  return [...new Set(seen.values())].sort()
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    // The check is real: a misspelt key fails it.
    await expect(validateConfiguration({ ...config, asarUnpak: ['x'] }, new DebugLogger(false))).rejects.toThrow(/asarUnpak/)
  })

  it('names the app, and builds AppImage and deb, dmg, and an NSIS installer', () => {
    expect(config.appId).toBe('app.commons.desktop')
    expect(readFileSync(path.join(root, 'electron/main.ts'), 'utf8')).toContain(`const appId = '${config.appId}'`)
    expect(config.productName).toBe('Commons')
    expect(targetsOf('linux').sort()).toEqual(['AppImage', 'deb'])
    expect(targetsOf('mac')).toEqual(['dmg'])
    expect(targetsOf('win')).toEqual(['nsis'])
    // Installers go to out/ (git-ignored), never into dist/, which holds what the app runs.
    expect(config.directories.output.startsWith('out/')).toBe(true)
  })

  it('registers commons:// on every platform', () => {
    expect(config.protocols).toEqual([{ name: 'Commons invite', schemes: ['commons'] }])
    expect(config.linux.mimeTypes).toContain('x-scheme-handler/commons')
  })

  it('has icons of the sizes each platform needs', () => {
    expect(pngSize(path.join(root, config.mac.icon))).toEqual({ width: 512, height: 512 })
    expect(pngSize(path.join(root, config.win.icon))).toEqual({ width: 256, height: 256 })
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(pngSize(path.join(root, config.linux.icon, `${size}x${size}.png`))).toEqual({ width: size, height: size })
  })

  it('runs the bundles, unpacks classic-level from the asar, and does not rebuild it', () => {
    expect(config.extraMetadata.main).toBe('dist/electron/main.cjs')
    expect(filePatterns()).toEqual(expect.arrayContaining(['dist/electron/**/*', 'dist/renderer/**/*', '!dist/**/*.map']))
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toContain('node_modules/classic-level/**/*')
    expect(config.npmRebuild).toBe(false)
    // Only classic-level stays out of the bundle (electron/build.mjs); the files keep exactly what it needs.
    expect(readFileSync(path.join(root, 'electron/build.mjs'), 'utf8')).toContain("external: ['electron', 'classic-level']")
    const kept = /^!node_modules\/!\(([^)]+)\)/.exec(filePatterns().find((pattern) => pattern.startsWith('!node_modules/!(')) ?? '')?.[1]?.split('|')
    expect(kept?.sort()).toEqual(classicLevelClosure())
  })

  it('flips the Electron fuses the app does not need', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false
    })
  })
})

describe('a dry run of the packager', () => {
  let scratch: string
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'commons-package-'))
  })
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true })
  })

  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.on('exit', (code) => resolve({ code, output }))
    })

  it('`node electron/build.mjs --main` makes the entry points the package runs', async () => {
    const built = await run([path.join(root, 'electron/build.mjs'), '--main'])
    expect(built.code, built.output).toBe(0)
    for (const entry of ['main.cjs', 'preload.cjs', 'agent.cjs']) expect(existsSync(path.join(root, 'dist/electron', entry)), entry).toBe(true)
    expect(existsSync(path.join(root, config.extraMetadata.main))).toBe(true)
  }, 120_000)

  it('packs the bundles and classic-level (unpacked, loadable) into app.asar, and nothing else from node_modules', async () => {
    // Packed from the project itself (a copy with a linked node_modules misleads npm's view of the tree:
    // npm distrusts its hidden lockfile once test caches touch node_modules, and then reads the linked tree
    // as extraneous), with one change: the renderer is a stand-in page, so a renderer build running
    // meanwhile (or none yet, in CI) does not matter.
    const renderer = path.join(scratch, 'renderer')
    mkdirSync(renderer, { recursive: true })
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Commons</title>')
    const patterns = filePatterns()
    expect(patterns).toContain('dist/renderer/**/*')
    const packedFiles: Array<string | { from: string; to: string; filter: string[] }> = [
      ...patterns.filter((pattern) => pattern !== 'dist/renderer/**/*'),
      { from: renderer, to: 'dist/renderer', filter: ['**/*'] }
    ]
    // A stand-in Electron: the packager copies it and renames its executable.
    const electronDist = path.join(scratch, 'electron-dist')
    mkdirSync(electronDist, { recursive: true })
    writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\n')
    chmodSync(path.join(electronDist, 'electron'), 0o755)
    writeFileSync(path.join(electronDist, 'LICENSE'), '')
    const output = path.join(scratch, 'out')
    const script = `
      import { createRequire } from 'node:module'
      const builder = createRequire(${JSON.stringify(path.join(root, 'package.json'))})('electron-builder')
      await builder.build({
        projectDir: ${JSON.stringify(root)},
        targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64),
        // The stand-in has no fuse wires to flip.
        config: { electronDist: ${JSON.stringify(electronDist)}, electronFuses: null, directories: { output: ${JSON.stringify(output)} }, files: ${JSON.stringify(packedFiles)} },
        publish: 'never'
      })`
    const packed = await run(['--input-type=module', '-e', script])
    expect(packed.code, packed.output).toBe(0)

    const resources = path.join(output, 'linux-unpacked', 'resources')
    expect(existsSync(path.join(output, 'linux-unpacked', 'commons'))).toBe(true)
    const file = path.join(resources, 'app.asar')
    const files = asar.listPackage(file).map((entry) => entry.split(path.sep).join('/'))
    for (const entry of ['/package.json', '/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/electron/agent.cjs', '/dist/renderer/index.html']) expect(files, entry).toContain(entry)
    expect(files.some((entry) => entry.endsWith('.map'))).toBe(false)
    expect(JSON.parse(asar.extractFile(file, 'package.json').toString()).main).toBe('dist/electron/main.cjs')
    const modules = new Set(files.flatMap((entry) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(entry)?.[1] ?? []))
    expect([...modules].sort()).toEqual(classicLevelClosure())
    expect(existsSync(path.join(resources, 'app.asar.unpacked/node_modules/classic-level/prebuilds/linux-x64'))).toBe(true)

    // What was packed is enough to open a database, as the Host does at start.
    const extracted = path.join(scratch, 'extracted')
    asar.extractAll(file, extracted)
    const { ClassicLevel } = createRequire(path.join(extracted, 'package.json'))('classic-level') as typeof import('classic-level')
    const db = new ClassicLevel<string, string>(path.join(scratch, 'db'))
    await db.put('hello', 'world')
    expect(await db.get('hello')).toBe('world')
    await db.close()
  }, 120_000)
})
