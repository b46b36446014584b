import type { RequestOutput } from '../../../shared/bridge/contract.ts'

type ModelSettings = RequestOutput<'settings.get'>

export interface AssistantModelStatus {
  /** Settings are known (not still loading or failed). */
  known: boolean
  /** The provider the assistant uses is set up on this device. */
  ready: boolean
  provider: 'anthropic' | 'local'
  /** What it runs on, in words: "Claude (claude-sonnet-5-5)", "llama3.2 on a local endpoint". */
  label: string
  /** When not ready: what is missing, in one sentence. */
  missing: string | null
}

/** Whether the private assistant can answer on this device, and on what (Settings → Models decides). */
export function assistantModelStatus(models: ModelSettings | null): AssistantModelStatus {
  if (models === null) return { known: false, ready: true, provider: 'anthropic', label: 'Claude', missing: null }
  if (models.assistantProvider === 'local') {
    const ready = models.local.configured
    return {
      known: true,
      ready,
      provider: 'local',
      label: models.local.model !== null ? `${models.local.model} on a local endpoint` : 'a local endpoint',
      missing: ready ? null : 'It is set to use a local endpoint, and none is set up on this device. Set one up, or switch it to Anthropic.'
    }
  }
  const ready = models.anthropic.configured
  return {
    known: true,
    ready,
    provider: 'anthropic',
    label: `Claude (${models.defaultModel})`,
    missing: ready ? null : 'It runs on Claude, and this device has no Anthropic API key yet. Add one, or set up a local endpoint for it.'
  }
}
