import { createProvider, isModelError, type ModelErrorReason, type ProviderConfig, type ProviderServices } from '../../agent/providers/index.ts'
import type { ModelSettings } from './modelSettingsTypes.ts'

export type ConnectionTestResult =
  | { ok: true; models: string[]; warning: string | null }
  | { ok: false; reason: ModelErrorReason | 'unexpected'; message: string; hint: string | null }

/**
 * The settings screen's "Test connection": builds the provider from the saved settings and asks it
 * whether the endpoint answers, the key works and the model exists. Never throws: a failure comes back
 * as the ModelError's message and hint, which never hold the key.
 */
export async function testConnection(
  settings: ModelSettings,
  target: 'anthropic' | 'local',
  options: { model?: string; services?: ProviderServices } = {}
): Promise<ConnectionTestResult> {
  try {
    const config: ProviderConfig = target === 'anthropic' ? await settings.anthropic() : await settings.local()
    const model = options.model ?? (config.kind === 'anthropic' ? settings.defaultModel() : config.model)
    // One try: a person pressing the button wants the answer now, not after backoff.
    const provider = createProvider(config, { maxRetries: 0, ...options.services })
    const check = await provider.testConnection(model)
    return { ok: true, models: check.models ?? [], warning: check.warning ?? null }
  } catch (error) {
    if (isModelError(error)) return { ok: false, reason: error.reason, message: error.message, hint: error.hint ?? null }
    return { ok: false, reason: 'unexpected', message: 'the connection test failed unexpectedly', hint: 'try again; if it keeps failing, check the log' }
  }
}
