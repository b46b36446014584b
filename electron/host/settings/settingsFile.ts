import { z } from 'zod'
import { DEFAULT_MODEL } from '../../agent/providers/models.ts'
import { isHttpUrl } from '../../../shared/urls.ts'

/**
 * The shape of `<dataDir>/settings.json`: which models this device uses. Never synced; written 0600.
 * The Anthropic key is kept sealed by the OS keychain (`encryptedKey`, base64) where there is one, as
 * it is (`plainKey`) where there is not. Objects are loose: fields a newer version wrote are kept.
 */

export const settingsSchemaVersion = 1

export const httpUrl = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .refine(isHttpUrl, { error: `${label} must be an http:// or https:// URL, e.g. http://127.0.0.1:11434/v1` })

export const modelId = z
  .string({ error: 'model must be text' })
  .trim()
  .min(1, { error: 'model must not be empty' })
  .max(200, { error: 'model must be at most 200 characters' })
  .regex(/^[A-Za-z0-9._:/@-]+$/, { error: 'model must be a model id such as claude-sonnet-5-5 or qwen3:8b' })

// Keys are never echoed in a message: these errors say what is wrong, not what was given.
export const apiKey = z
  .string({ error: 'API key must be text' })
  .trim()
  .min(1, { error: 'API key must not be empty' })
  .max(1_000, { error: 'API key is too long to be a key' })
  .refine((value) => !/\s/.test(value), { error: 'API key must not contain spaces or line breaks' })

export const assistantProvider = z.enum(['anthropic', 'local'], { error: 'provider must be anthropic or local' })

export const anthropicSettingsSchema = z.looseObject({
  encryptedKey: z.string().min(1).optional(),
  plainKey: z.string().min(1).optional(),
  baseURL: httpUrl('Anthropic base URL').optional()
})

export const localSettingsSchema = z.looseObject({
  baseURL: httpUrl('local endpoint'),
  model: modelId,
  apiKey: z.string().min(1).optional()
})

export const settingsFileSchema = z.looseObject({
  schemaVersion: z.literal(settingsSchemaVersion),
  anthropic: anthropicSettingsSchema.default({}),
  local: localSettingsSchema.nullable().default(null),
  defaultModel: modelId.default(DEFAULT_MODEL),
  privateAssistant: assistantProvider.default('anthropic')
})

export type SettingsFile = z.infer<typeof settingsFileSchema>
export type AssistantProvider = z.infer<typeof assistantProvider>

export function freshSettings(): SettingsFile {
  return settingsFileSchema.parse({ schemaVersion: settingsSchemaVersion })
}

