import type { ModelInfo, ModelLine } from '@anthropic-ai/sdk/resources/models'

/**
 * Every model id named by the `Model` type of @anthropic-ai/sdk 1.11.0 (resources/messages/messages.ts).
 * The fake Messages API knows these unless a test passes its own `knownModels`. The SDK marks
 * claude-sonnet-4-5 (and its dated id) deprecated, retiring November 30th, 2026.
 */
export const SDK_MODEL_IDS: readonly string[] = [
  'claude-fable-5-2',
  'claude-mythos-5-2',
  'claude-haiku-5-5',
  'claude-sonnet-5-5',
  'claude-fable-5-1',
  'claude-opus-5-5',
  'claude-mythos-5-1',
  'claude-sonnet-5',
  'claude-fable-5',
  'claude-mythos-5',
  'claude-opus-5',
  'claude-opus-4-8',
  'claude-opus-4-7',
  'claude-mythos-preview',
  'claude-opus-4-6',
  'claude-sonnet-4-6',
  'claude-haiku-4-5',
  'claude-haiku-4-5-20251001',
  'claude-opus-4-5',
  'claude-opus-4-5-20251101',
  'claude-sonnet-4-5',
  'claude-sonnet-4-5-20250929'
]

const MODEL_LINES: readonly ModelLine[] = ['haiku', 'sonnet', 'opus', 'fable', 'mythos']

/** GET /v1/models/{id} as the fake answers it: the id, a display name, and nulls where it knows nothing. */
export function modelInfo(id: string): ModelInfo {
  const line = MODEL_LINES.find((candidate) => id.includes(`-${candidate}`)) ?? null
  return {
    type: 'model',
    id,
    display_name: id.replace(/^claude-/, 'Claude ').replace(/-/g, ' '),
    created_at: '2026-01-01T00:00:00Z',
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line,
    max_input_tokens: null,
    max_tokens: null,
    retires_at: null
  }
}
