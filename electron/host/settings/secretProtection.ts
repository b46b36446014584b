import { CommonsError } from '../../../shared/errors.ts'
import type { SecretProtector } from './modelSettingsTypes.ts'

/**
 * No encryption at rest: where no OS keychain is at hand (the command line, the web host, tests), a
 * saved key is kept as it is in settings.json, which only this user can read (mode 0600). Electron's
 * safeStorage-backed protector is made in electron/main.ts, the one file that may import electron.
 */
export function noSecretProtection(
  warning: string | null = 'no OS keychain is available here, so a saved API key is kept unencrypted in a file only you can read'
): SecretProtector {
  return {
    protection: 'none',
    warning,
    async encrypt() {
      throw new CommonsError('config', 'there is no OS keychain here to encrypt the key with', 'save the key as it is (the settings file is private to you)')
    },
    async decrypt() {
      throw new CommonsError(
        'config',
        'the saved Anthropic API key was encrypted with the OS keychain by the desktop app, and cannot be read here',
        'set ANTHROPIC_API_KEY for the command line, or save the key again here'
      )
    }
  }
}
