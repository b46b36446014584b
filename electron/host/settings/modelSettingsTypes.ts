import type { ProviderConfig } from '../../agent/providers/index.ts'

/**
 * Which model providers this device can use, as the task runner and the private assistant ask for them.
 * Settings live in the device's own files, never in a Y.Doc; an API key is encrypted at rest where the
 * platform offers a keychain (Electron's safeStorage), and read from ANTHROPIC_API_KEY otherwise.
 */
export interface ModelSettings {
  /** The Anthropic provider config, or a ModelError (reason 'not-configured') saying how to set one up. */
  anthropic(): Promise<ProviderConfig>
  /** The local OpenAI-compatible endpoint, or a 'not-configured' ModelError. */
  local(): Promise<ProviderConfig>
  /** The model a coworker uses when its own model is empty. */
  defaultModel(): string
  /** Whether coworker tasks can run on this device at all (a device without a model leaves them to others). */
  canRunCoworkers(): Promise<boolean>
}

/**
 * Encrypts secrets at rest. Electron's main process passes one backed by safeStorage; elsewhere the
 * Host uses none and keeps keys only in a 0600 file (and says so in settings).
 */
export interface SecretProtector {
  /** 'keychain' when the OS keychain protects the key; 'none' when it is only in a private file. */
  readonly protection: 'keychain' | 'none'
  /** Why protection is weaker than expected (e.g. Linux's basic_text backend), for the settings screen. */
  readonly warning: string | null
  encrypt(plain: string): Promise<string>
  decrypt(sealed: string): Promise<string>
}
