import { describe, expect, it } from 'vitest'
import { encodeInvite } from '../../electron/host/invites.ts'
import { newId } from '../../shared/ids.ts'
import { appEvent, assistantRoute, channelOfUrl, openAssistantInput } from '../../shared/bridge/appEvents.ts'
import { deepLinkFromArgv, parseDeepLink } from '../../electron/shell/deepLink.ts'

const invite = encodeInvite({ server: 'https://sync.acme.test', workspaceId: newId('ws'), workspaceName: 'Acme', code: 'abcdefgh12345678', expiresAt: '2030-01-01T00:00:00.000Z' })

describe('commons:// links', () => {
  it('a valid invite becomes a join link, as it was', () => {
    expect(parseDeepLink(invite)).toEqual({ kind: 'join', invite })
  })

  it('tolerates what launchers add: spaces, a trailing slash, an upper-case scheme', () => {
    expect(parseDeepLink(` ${invite}/ `)).toEqual({ kind: 'join', invite })
    expect(parseDeepLink(invite.replace('commons://join/', 'COMMONS://JOIN/'))).toEqual({ kind: 'join', invite })
  })

  it('ignores garbage', () => {
    const garbage: unknown[] = [
      '',
      'commons://',
      'commons://join/',
      'commons://join/!!!not-base64!!!',
      'commons://join/' + Buffer.from('{"v":1}').toString('base64url'),
      'commons://join/' + Buffer.from(JSON.stringify({ v: 1, server: 'file:///etc/passwd', workspaceId: newId('ws'), workspaceName: 'x', code: 'abcdefgh', expiresAt: '' })).toString('base64url'),
      'commons://open/settings',
      'https://example.com/join/abc',
      'javascript:alert(1)',
      invite + 'x'.repeat(9000),
      42,
      null
    ]
    for (const text of garbage) expect(parseDeepLink(text)).toBeNull()
  })

  it('finds the link among command-line arguments (Windows and Linux), skipping flags and junk', () => {
    expect(deepLinkFromArgv(['/opt/Commons/commons', '--no-sandbox', 'commons://join/garbage', invite])).toEqual({ kind: 'join', invite })
    expect(deepLinkFromArgv(['/usr/bin/electron', 'dist/electron/main.cjs'])).toBeNull()
  })
})

describe('app events and the assistant route', () => {
  it('checks app events the preload hands to the renderer', () => {
    expect(appEvent.safeParse({ command: 'join-workspace', invite }).success).toBe(true)
    expect(appEvent.safeParse({ command: 'join-workspace', invite: null }).success).toBe(true)
    expect(appEvent.safeParse({ command: 'settings' }).success).toBe(true)
    expect(appEvent.safeParse({ command: 'open-channel', workspaceId: newId('ws'), channelId: null }).success).toBe(true)
    expect(appEvent.safeParse({ command: 'format-disk' }).success).toBe(false)
    expect(appEvent.safeParse({ command: 'join-workspace' }).success).toBe(false)
  })

  it('routes the assistant window with the channel it was opened from', () => {
    const channelId = newId('ch')
    expect(assistantRoute(null)).toBe('#/assistant')
    expect(assistantRoute(channelId)).toBe(`#/assistant/new/${channelId}`)
    expect(channelOfUrl(`app://commons/#/c/${channelId}`)).toBe(channelId)
    expect(channelOfUrl('app://commons/#/settings')).toBeNull()
    expect(channelOfUrl('app://commons/#/c/not-a-channel')).toBeNull()
    expect(channelOfUrl('app://commons/')).toBeNull()
    expect(openAssistantInput.safeParse({ channelId }).success).toBe(true)
    expect(openAssistantInput.safeParse(undefined).success).toBe(true)
    expect(openAssistantInput.safeParse({ channelId: '../../etc' }).success).toBe(false)
  })
})
