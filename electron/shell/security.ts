import { isAppFrame } from '../host/bridge/appFrame.ts'

/**
 * The desktop app's security decisions, without Electron in them (electron/main.ts applies them; tests
 * check them; docs/electron-security.md maps them to Electron's checklist):
 * - every window's webPreferences, and the check that refuses any others;
 * - where a page may go (nowhere: it is one page with hash routes) and which links leave for the browser;
 * - which permissions a page gets (copying to the clipboard, from the app's own top-level page; nothing else).
 */

/** webPreferences of every Commons window (the main window, the private assistant). */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true
  } as const
}

/** What must hold of any webPreferences a page is created or a webview attached with; returns what does not. */
export function webPreferencesProblems(preferences: Record<string, unknown>): string[] {
  const problems: string[] = []
  const must = (key: string, expected: boolean, fallback: boolean) => {
    const value = preferences[key] ?? fallback
    if (value !== expected) problems.push(`${key} must be ${String(expected)}`)
  }
  // Fallbacks are Electron 45's defaults.
  must('contextIsolation', true, true)
  must('sandbox', true, true)
  must('nodeIntegration', false, false)
  must('nodeIntegrationInWorker', false, false)
  must('nodeIntegrationInSubFrames', false, false)
  must('webSecurity', true, true)
  must('allowRunningInsecureContent', false, false)
  must('experimentalFeatures', false, false)
  must('webviewTag', false, false)
  const blink = preferences['enableBlinkFeatures']
  if (typeof blink === 'string' && blink.trim() !== '') problems.push('enableBlinkFeatures must not be set')
  return problems
}

const maxExternalUrlLength = 4096

/**
 * A link the person may open in their browser: http or https with a host, no credentials in it. Anything
 * else (file:, javascript:, a custom scheme that starts another program, app://) returns null.
 */
export function externalUrl(candidate: unknown): string | null {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > maxExternalUrlLength) return null
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null
  return url.href
}

export interface NavigationDecision {
  /** Always false: a Commons window never leaves its one page (hash routes are in-page and are not asked about). */
  allow: false
  /** A web link the person followed: open it in their browser. */
  openExternally: string | null
}

/** A page asked to navigate (will-navigate, will-redirect, will-frame-navigate) or to open a window (window.open, target=_blank). */
export function navigationDecision(url: string): NavigationDecision {
  return { allow: false, openExternally: externalUrl(url) }
}

/** The permissions the app uses: writing to the clipboard (copy a message, an invite, code). */
const allowedPermissions = new Set(['clipboard-sanitized-write'])

/**
 * Whether a permission request or check is granted: only the permissions the app uses, and only for the
 * app's own top-level page (not an iframe, not another origin).
 */
export function permissionAllowed(permission: string, details: { requestingUrl?: string | undefined; isMainFrame?: boolean | undefined }): boolean {
  if (!allowedPermissions.has(permission)) return false
  if (details.isMainFrame === false || details.requestingUrl === undefined) return false
  return isAppFrame({ url: details.requestingUrl, parent: null })
}

/**
 * Downloads the app starts itself: a file or an export the renderer made (a `blob:` URL of the app's own
 * origin). Anything else a page might start downloading is cancelled.
 */
export function downloadAllowed(url: string): boolean {
  if (!url.startsWith('blob:')) return false
  try {
    const inner = new URL(url.slice('blob:'.length))
    return inner.protocol === 'app:' && inner.host === 'commons'
  } catch {
    return false
  }
}
