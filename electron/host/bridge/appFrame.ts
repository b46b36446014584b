/**
 * The renderer's own origin in Electron (main.ts serves it from the privileged `app:` scheme). The IPC
 * bridge answers only top-level frames of this origin: not an iframe, not a page navigated elsewhere.
 */
export const appOrigin = 'app://commons'

export function isAppFrame(frame: { url: string; parent: unknown } | null | undefined): boolean {
  if (frame === null || frame === undefined || frame.parent !== null) return false
  try {
    const url = new URL(frame.url)
    return url.protocol === 'app:' && url.host === 'commons'
  } catch {
    return false
  }
}
