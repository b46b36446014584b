import type { RequestOutput } from '../../../shared/bridge/contract.ts'

export type ModelSettings = RequestOutput<'settings.get'>

/**
 * The Claude models Settings offers as the default. The same list as the agent's
 * (electron/agent/providers/models.ts CURRENT_MODELS; a unit test keeps them equal): the renderer cannot
 * import the agent, and no model id is made up here.
 */
export const claudeModels: readonly { id: string; label: string; note: string }[] = [
  { id: 'claude-opus-5-5', label: 'Claude Opus 5.5', note: 'most capable' },
  { id: 'claude-sonnet-5-5', label: 'Claude Sonnet 5.5', note: 'balanced' },
  { id: 'claude-haiku-5-5', label: 'Claude Haiku 5.5', note: 'fastest' }
]

/** The last four characters of the Anthropic key in use, to tell keys apart (the key itself never reaches the renderer). */
export function keyEnding(models: ModelSettings): string | null {
  return models.anthropic.keyHint === '' ? null : models.anthropic.keyHint
}

/** The Anthropic key's state in words: "Key ending …1234", "Using ANTHROPIC_API_KEY from the environment", "No key yet". */
export function keyStatus(models: ModelSettings): { configured: boolean; label: string } {
  const ending = keyEnding(models)
  switch (models.anthropic.keySource) {
    case 'settings':
      return { configured: true, label: ending !== null ? `Key ending …${ending}` : 'Key saved on this device' }
    case 'environment':
      return { configured: true, label: ending !== null ? `Using ANTHROPIC_API_KEY (ending …${ending}) from the environment` : 'Using ANTHROPIC_API_KEY from the environment' }
    case 'none':
      return { configured: false, label: 'No key yet' }
  }
}

/** How a saved key is kept at rest, in words. */
export function keyStorage(models: ModelSettings): { secure: boolean; label: string; warning: string | null } {
  const warning = models.keyWarning === null || models.keyWarning.trim() === '' ? null : sentence(models.keyWarning)
  return models.keyProtection === 'keychain'
    ? { secure: true, label: 'Key storage: encrypted by the system keychain', warning }
    : { secure: false, label: 'Key storage: a private file on this device, not encrypted', warning }
}

function sentence(text: string): string {
  const trimmed = text.trim()
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1) + (/[.!?]$/.test(trimmed) ? '' : '.')
}

export function modelSummary(models: ModelSettings | null): string {
  if (models === null) return 'Checking…'
  if (models.anthropic.configured) return `Anthropic (${models.anthropic.keySource === 'environment' ? 'key from environment' : 'key saved'})`
  if (models.local.configured) return 'Local endpoint only: coworkers cannot run on this device'
  return 'No model set up: coworkers cannot run on this device'
}
