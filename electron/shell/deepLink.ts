import { decodeInvite } from '../host/invites.ts'

/**
 * `commons://` links opened from outside the app: today one kind, an invite (`commons://join/<payload>`,
 * electron/host/invites.ts). The operating system hands the link to the app as an `open-url` event on
 * macOS, and as a command-line argument of a second launch on Windows and Linux (or of the first launch
 * when the app was not running). Anything that is not a well-formed invite is ignored: a link is input
 * from anywhere, and the worst it may do is open the join dialog, which still asks the person.
 */

export const deepLinkScheme = 'commons'

export type DeepLink = { kind: 'join'; invite: string }

/** Longer than any invite; a longer argument is not one. */
const maxLinkLength = 8 * 1024

export function parseDeepLink(text: unknown): DeepLink | null {
  if (typeof text !== 'string' || text.length > maxLinkLength) return null
  let link = text.trim()
  // Some launchers add a trailing slash; the invite's payload (base64url) never ends with one.
  link = link.replace(/\/+$/, '')
  const match = /^commons:\/\/join\/(.+)$/i.exec(link)
  if (match === null) return null
  const invite = `commons://join/${match[1]!}`
  try {
    decodeInvite(invite)
  } catch {
    return null
  }
  return { kind: 'join', invite }
}

/** The first deep link among a process's arguments (Windows and Linux pass the link as one). */
export function deepLinkFromArgv(argv: readonly string[]): DeepLink | null {
  for (const argument of argv) {
    if (!/^commons:/i.test(argument)) continue
    const link = parseDeepLink(argument)
    if (link !== null) return link
  }
  return null
}
