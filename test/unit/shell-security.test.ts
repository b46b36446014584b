import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { downloadAllowed, externalUrl, navigationDecision, permissionAllowed, secureWebPreferences, webPreferencesProblems } from '../../electron/shell/security.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

describe('window preferences', () => {
  it('every Commons window is isolated, sandboxed, without Node, with web security and no webviews', () => {
    const preferences = secureWebPreferences('/app/preload.cjs')
    expect(preferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false
    })
    expect(webPreferencesProblems(preferences)).toEqual([])
    expect('enableBlinkFeatures' in preferences).toBe(false)
  })

  it('refuses preferences that weaken any of it (Electron defaults count as set)', () => {
    expect(webPreferencesProblems({})).toEqual([])
    expect(webPreferencesProblems({ nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false, allowRunningInsecureContent: true, webviewTag: true, enableBlinkFeatures: 'CSSPaintAPI' })).toEqual([
      'contextIsolation must be true',
      'sandbox must be true',
      'nodeIntegration must be false',
      'webSecurity must be true',
      'allowRunningInsecureContent must be false',
      'webviewTag must be false',
      'enableBlinkFeatures must not be set'
    ])
  })
})

describe('links and navigation', () => {
  it('opens only http and https links with a host and no credentials in the browser', () => {
    expect(externalUrl('https://example.com/a?b=c#d')).toBe('https://example.com/a?b=c#d')
    expect(externalUrl('http://localhost:3000/')).toBe('http://localhost:3000/')
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'app://commons/', 'smb://host/share', 'ms-settings:', 'commons://join/x', 'https://user:pw@example.com/', 'not a url', 'https://', '', 'https://' + 'a'.repeat(5000) + '.com', null, 7]) {
      expect(externalUrl(url), String(url)).toBeNull()
    }
  })

  it('never lets a window navigate; web links leave for the browser', () => {
    expect(navigationDecision('https://example.com/')).toEqual({ allow: false, openExternally: 'https://example.com/' })
    expect(navigationDecision('app://commons/other.html')).toEqual({ allow: false, openExternally: null })
    expect(navigationDecision('file:///etc/passwd')).toEqual({ allow: false, openExternally: null })
  })
})

describe('permissions and downloads', () => {
  it('grants clipboard writes to the app page and nothing else to anyone', () => {
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: 'app://commons/#/c/ch_x', isMainFrame: true })).toBe(true)
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: 'app://commons', isMainFrame: true })).toBe(true)
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', { requestingUrl: 'app://commons/', isMainFrame: false })).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', {})).toBe(false)
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'display-capture', 'hid', 'usb', 'serial', 'fileSystem', 'unknown']) {
      expect(permissionAllowed(permission, { requestingUrl: 'app://commons/', isMainFrame: true }), permission).toBe(false)
    }
  })

  it('lets through only downloads the app made itself (blob: URLs of its origin)', () => {
    expect(downloadAllowed('blob:app://commons/3f6c1a52-2b7e-4f55-9d0e-5b2a1c7e9f10')).toBe(true)
    expect(downloadAllowed('blob:https://evil.example/abc')).toBe(false)
    expect(downloadAllowed('https://evil.example/payload.exe')).toBe(false)
    expect(downloadAllowed('data:application/octet-stream;base64,AAAA')).toBe(false)
  })
})

describe('where Electron is used', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name)
      return statSync(full).isDirectory() ? files(full) : /\.(ts|tsx|mts|mjs|js)$/.test(name) ? [full] : []
    })

  it('only electron/main.ts and electron/preload.ts import electron', () => {
    const importers = ['electron', 'shared', 'renderer', 'sync-server']
      .flatMap((dir) => files(path.join(root, dir)))
      .filter((file) => /from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file).split(path.sep).join('/'))
    expect(importers.sort()).toEqual(['electron/main.ts', 'electron/preload.ts'])
  })

  it('main.ts makes every window with the secure preferences and hardens every webContents', () => {
    const main = readFileSync(path.join(root, 'electron/main.ts'), 'utf8')
    const windows = main.match(/new BrowserWindow\(/g) ?? []
    expect(windows).toHaveLength(1)
    expect(main).toMatch(/webPreferences = secureWebPreferences\(preloadPath\)/)
    expect(main).toMatch(/app\.enableSandbox\(\)/)
    for (const hook of ["'will-attach-webview'", "'will-navigate'", "'will-redirect'", "'will-frame-navigate'", 'setWindowOpenHandler', 'setPermissionRequestHandler', 'setPermissionCheckHandler', "app.on('web-contents-created'"]) {
      expect(main, hook).toContain(hook)
    }
  })

  it('the preload exposes functions, never ipcRenderer itself', () => {
    const preload = readFileSync(path.join(root, 'electron/preload.ts'), 'utf8')
    expect(preload).toMatch(/exposeInMainWorld\('commons', Object\.freeze\(commons\)\)/)
    expect(preload).toMatch(/const commons = \{ runtime: 'electron' as const, request: request as Bridge\['request'\], on: on as Bridge\['on'\], onMenu, openAssistant \}/)
  })
})
