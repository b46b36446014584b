import { anthropicNotConfigured, ModelError } from './modelErrors.ts'
import { isHttpUrl } from '../../../shared/urls.ts'

/** Where the Anthropic key and base URL come from: Settings first, then the environment. */

export interface AnthropicConfigSources {
  /** The key saved in Settings → Models. */
  settingsKey?: string | undefined
  /** A base URL saved in Settings (a proxy or gateway); rarely set. */
  settingsBaseUrl?: string | undefined
  env?: Record<string, string | undefined>
}

export interface AnthropicConfig {
  apiKey: string
  /** Unset: the SDK's default, https://api.anthropic.com. */
  baseURL?: string
  /** Where the key came from, to show in Settings. */
  keySource: 'settings' | 'environment'
}

export function resolveAnthropicConfig(sources: AnthropicConfigSources = {}): AnthropicConfig {
  const { settingsKey, settingsBaseUrl, env = process.env } = sources
  const fromSettings = present(settingsKey)
  const apiKey = fromSettings ?? present(env['ANTHROPIC_API_KEY'])
  if (apiKey === undefined) throw anthropicNotConfigured()

  const baseURL = present(settingsBaseUrl) ?? present(env['ANTHROPIC_BASE_URL'])
  if (baseURL !== undefined && !isHttpUrl(baseURL)) {
    throw new ModelError(
      'not-configured',
      `the Anthropic base URL "${baseURL}" is not an http(s) URL`,
      'fix or clear the base URL in Settings → Models (or ANTHROPIC_BASE_URL); most setups leave it empty'
    )
  }
  return {
    apiKey,
    ...(baseURL === undefined ? {} : { baseURL: baseURL.replace(/\/+$/, '') }),
    keySource: fromSettings === undefined ? 'environment' : 'settings'
  }
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

