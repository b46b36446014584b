import { rendererContentSecurityPolicy, rendererHeaders } from '../host/rendererFiles.ts'

/**
 * The Content-Security-Policy of the renderer in the desktop app, sent as a response header by the
 * `app://` protocol handler (electron/main.ts, appProtocol.ts). The renderer's HTML carries a meta CSP too
 * (renderer/index.html, which also serves the web host); a page is held to both, so this header may only
 * narrow it: same sources for scripts, styles, images and fonts, and no websocket (Electron carries the
 * bridge over IPC). A test checks the two agree (test/unit/shell-csp.test.ts).
 */

// The desktop app's CSP is the renderer's with no bridge websocket: Electron carries the bridge over IPC.
export { rendererContentSecurityPolicy, rendererCspDirectives } from '../host/rendererFiles.ts'

/** A CSP string as directive → sources (lowercased directive names; the first of a repeated directive wins, as browsers do). */
export function parseContentSecurityPolicy(policy: string): Map<string, string[]> {
  const parsed = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean)
    if (name === undefined) continue
    const directive = name.toLowerCase()
    if (!parsed.has(directive)) parsed.set(directive, sources)
  }
  return parsed
}

/** The sources that govern `directive` (fetch directives fall back to default-src). */
export function effectiveSources(policy: Map<string, string[]>, directive: string): string[] | null {
  const fetchDirectives = ['script-src', 'style-src', 'img-src', 'font-src', 'connect-src', 'media-src', 'object-src', 'frame-src', 'worker-src', 'manifest-src']
  return policy.get(directive) ?? (fetchDirectives.includes(directive) ? (policy.get('default-src') ?? null) : null)
}

/** Headers every `app://` response carries. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': rendererContentSecurityPolicy(),
    ...rendererHeaders,
    'Cache-Control': 'no-cache'
  }
}
