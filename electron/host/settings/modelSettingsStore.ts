import path from 'node:path'
import { z } from 'zod'
import { CommonsError, isCommonsError } from '../../../shared/errors.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { parseInput } from '../../../shared/operations/validate.ts'
import { resolveAnthropicConfig, type ProviderConfig } from '../../agent/providers/index.ts'
import { ModelError, localNotConfigured } from '../../agent/providers/modelErrors.ts'
import { UnusableFileError, ValidatedJsonFile } from '../device/validatedJsonFile.ts'
import type { ModelSettings, SecretProtector } from './modelSettingsTypes.ts'
import { noSecretProtection } from './secretProtection.ts'
import {
  apiKey,
  assistantProvider,
  freshSettings,
  httpUrl,
  modelId,
  settingsFileSchema,
  settingsSchemaVersion,
  type AssistantProvider,
  type SettingsFile
} from './settingsFile.ts'

export const settingsFileName = 'settings.json'

/** settings.json could not be read or does not hold what it should; it was left untouched. */
export class SettingsFileError extends UnusableFileError {
  override name = 'SettingsFileError'
  constructor(file: string, problem: string, hint = 'fix the file, or move it aside to start over (you will have to enter your model settings again)') {
    // No `cause`: a JSON parse error quotes the file, and the file may hold a key.
    super(file, problem, hint)
  }
}

export interface OpenModelSettingsOptions {
  /** The device's data directory; the file is `<dataDir>/settings.json`. */
  dataDir: string
  /** Seals the API key at rest; noSecretProtection() (a private file only) by default. */
  protector?: SecretProtector
  /** Where ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL are read; process.env by default. */
  env?: Record<string, string | undefined>
  log?: Logger
}

/** What the settings screen shows. Never the key itself. */
export interface ModelSettingsSummary {
  anthropic: {
    /** Where the key in use comes from, or null when there is none. */
    keySource: 'settings' | 'environment' | null
    /** The key's last four characters, to tell keys apart. */
    keyHint: string | null
    baseURL: string | null
    /** Why the key saved in settings cannot be used here, with what to do. */
    problem: { message: string; hint: string | null } | null
  }
  local: { baseURL: string; model: string; hasApiKey: boolean } | null
  defaultModel: string
  privateAssistant: AssistantProvider
  /** How a saved key is kept at rest, and why that is weaker than it should be. */
  protection: SecretProtector['protection']
  warning: string | null
  canRunCoworkers: boolean
}

export const localSettingsInput = z.object({
  baseURL: httpUrl('local endpoint'),
  model: modelId,
  apiKey: apiKey.optional()
})

/**
 * This device's model settings (design section 6), in their own lowdb file, `<dataDir>/settings.json`,
 * written atomically with mode 0600. The Anthropic key comes from Settings, else ANTHROPIC_API_KEY; the
 * base URL from Settings, else ANTHROPIC_BASE_URL. The key never enters a log line, an error message or
 * a Y.Doc: it is held in private fields, sealed on disk where the OS keychain can seal it.
 */
export class ModelSettingsStore implements ModelSettings {
  static async open(options: OpenModelSettingsOptions): Promise<ModelSettingsStore> {
    const log = (options.log ?? silentLogger).child('settings')
    const file = path.join(options.dataDir, settingsFileName)
    const store = await ValidatedJsonFile.open<SettingsFile>({
      file,
      schema: settingsFileSchema,
      schemaVersion: settingsSchemaVersion,
      fresh: freshSettings,
      createOnOpen: true,
      // Never the parser's message: it quotes the file, and the file may hold a key.
      quoteParseErrors: false,
      unusable: (problem, { newerVersion }) => new SettingsFileError(file, problem, ...(newerVersion ? ['update Commons to use these settings'] : []))
    })
    if (store.created) log.info('created the settings file', { file })
    const settings = new ModelSettingsStore(store, options.protector ?? noSecretProtection(), options.env ?? process.env, log)
    await settings.#sealPlainKey()
    return settings
  }

  readonly #store: ValidatedJsonFile<SettingsFile>
  readonly #protector: SecretProtector
  readonly #env: Record<string, string | undefined>
  readonly #log: Logger
  /** The saved key, unsealed on first use; undefined until then. */
  #unsealed: { key: string | undefined; problem: CommonsError | null } | undefined
  #warnedUnseal = false

  private constructor(store: ValidatedJsonFile<SettingsFile>, protector: SecretProtector, env: Record<string, string | undefined>, log: Logger) {
    this.#store = store
    this.#protector = protector
    this.#env = env
    this.#log = log
  }

  get file(): string {
    return this.#store.file
  }

  // --- ModelSettings -------------------------------------------------------------------------------

  async anthropic(): Promise<ProviderConfig> {
    const saved = await this.#savedKey()
    try {
      const { apiKey: key, baseURL } = resolveAnthropicConfig({ settingsKey: saved.key, settingsBaseUrl: this.#store.data.anthropic.baseURL, env: this.#env })
      return { kind: 'anthropic', apiKey: key, ...(baseURL === undefined ? {} : { baseURL }) }
    } catch (error) {
      // No key anywhere, but one is saved that this device cannot unseal: say that, not "add a key".
      if (saved.problem !== null && error instanceof ModelError && error.reason === 'not-configured' && saved.key === undefined && !this.#envKey()) {
        throw new ModelError('not-configured', saved.problem.message, saved.problem.hint)
      }
      throw error
    }
  }

  async local(): Promise<ProviderConfig> {
    const local = this.#store.data.local
    if (local === null) throw localNotConfigured('endpoint')
    return { kind: 'openai-compatible', baseURL: local.baseURL, model: local.model, ...(local.apiKey === undefined ? {} : { apiKey: local.apiKey }) }
  }

  defaultModel(): string {
    return this.#store.data.defaultModel
  }

  /** Coworkers run on Claude: this device can run them when an Anthropic key resolves. */
  async canRunCoworkers(): Promise<boolean> {
    try {
      await this.anthropic()
      return true
    } catch {
      return false
    }
  }

  // --- the settings screen -------------------------------------------------------------------------

  /** Which provider the private assistant uses. */
  privateAssistantProvider(): AssistantProvider {
    return this.#store.data.privateAssistant
  }

  get protection(): SecretProtector['protection'] {
    return this.#protector.protection
  }

  get warning(): string | null {
    return this.#protector.warning
  }

  async summary(): Promise<ModelSettingsSummary> {
    const data = this.#store.data
    const saved = await this.#savedKey()
    let keySource: ModelSettingsSummary['anthropic']['keySource'] = null
    let keyHint: string | null = null
    let baseURL: string | null = null
    try {
      const resolved = resolveAnthropicConfig({ settingsKey: saved.key, settingsBaseUrl: data.anthropic.baseURL, env: this.#env })
      keySource = resolved.keySource
      keyHint = resolved.apiKey.length >= 12 ? resolved.apiKey.slice(-4) : null
      baseURL = resolved.baseURL ?? null
    } catch {
      baseURL = data.anthropic.baseURL ?? null
    }
    return {
      anthropic: { keySource, keyHint, baseURL, problem: saved.problem === null ? null : { message: saved.problem.message, hint: saved.problem.hint ?? null } },
      local: data.local === null ? null : { baseURL: data.local.baseURL, model: data.local.model, hasApiKey: data.local.apiKey !== undefined },
      defaultModel: data.defaultModel,
      privateAssistant: data.privateAssistant,
      protection: this.#protector.protection,
      warning: this.#protector.warning,
      canRunCoworkers: keySource !== null
    }
  }

  /** Saves the Anthropic key (sealed by the keychain when there is one), or forgets it with null. */
  async setAnthropicKey(key: string | null): Promise<void> {
    const parsed = key === null ? null : parseInput('save API key', apiKey, key)
    const sealed = parsed === null || this.#protector.protection === 'none' ? null : await this.#seal(parsed)
    await this.#update('the Anthropic key', (draft) => {
      delete draft.anthropic.encryptedKey
      delete draft.anthropic.plainKey
      if (sealed !== null) draft.anthropic.encryptedKey = sealed
      else if (parsed !== null) draft.anthropic.plainKey = parsed
    })
    this.#unsealed = { key: parsed ?? undefined, problem: null }
  }

  /** A proxy or gateway in front of the Anthropic API; null goes back to ANTHROPIC_BASE_URL or the default. */
  async setAnthropicBaseUrl(baseURL: string | null): Promise<void> {
    const parsed = baseURL === null ? null : parseInput('save Anthropic base URL', httpUrl('Anthropic base URL'), baseURL)
    await this.#update('the Anthropic base URL', (draft) => {
      if (parsed === null) delete draft.anthropic.baseURL
      else draft.anthropic.baseURL = parsed
    })
  }

  /** The local OpenAI-compatible endpoint (Ollama, LM Studio, llama.cpp server), or null to forget it. */
  /**
   * Saves the local endpoint, or removes it (and its key) with null. Without `apiKey` a key saved before
   * is kept: a settings form does not send a secret back.
   */
  async setLocal(input: z.input<typeof localSettingsInput> | null): Promise<void> {
    const parsed = input === null ? null : parseInput('save local model', localSettingsInput, input)
    await this.#update('the local model', (draft) => {
      if (parsed === null) {
        draft.local = null
        return
      }
      const apiKey = parsed.apiKey ?? draft.local?.apiKey
      draft.local = { baseURL: parsed.baseURL, model: parsed.model, ...(apiKey === undefined ? {} : { apiKey }) }
    })
  }

  async setDefaultModel(model: string): Promise<void> {
    const parsed = parseInput('save default model', modelId, model)
    await this.#update('the default model', (draft) => {
      draft.defaultModel = parsed
    })
  }

  async setPrivateAssistantProvider(provider: AssistantProvider): Promise<void> {
    const parsed = parseInput('save private assistant provider', assistantProvider, provider)
    await this.#update('the private assistant provider', (draft) => {
      draft.privateAssistant = parsed
    })
  }

  /** Resolves once every save so far is on disk. */
  async flush(): Promise<void> {
    await this.#store.flush()
  }

  // --- internals -----------------------------------------------------------------------------------

  #envKey(): boolean {
    return (this.#env['ANTHROPIC_API_KEY']?.trim() ?? '') !== ''
  }

  async #savedKey(): Promise<{ key: string | undefined; problem: CommonsError | null }> {
    if (this.#unsealed !== undefined) return this.#unsealed
    const { encryptedKey, plainKey } = this.#store.data.anthropic
    if (encryptedKey === undefined) {
      this.#unsealed = { key: plainKey, problem: null }
      return this.#unsealed
    }
    try {
      this.#unsealed = { key: await this.#protector.decrypt(encryptedKey), problem: null }
    } catch (error) {
      // Not cached: the keychain may be locked now and open later.
      const problem = isCommonsError(error)
        ? error
        : new CommonsError('config', 'the saved Anthropic API key could not be unsealed with the OS keychain', 'unlock the keychain, or save the key again in Settings → Models')
      // Once: the scheduler asks every minute whether this device can run coworkers.
      if (!this.#warnedUnseal) this.#log.warn('the saved API key could not be unsealed', { reason: problem.message })
      this.#warnedUnseal = true
      return { key: undefined, problem }
    }
    return this.#unsealed
  }

  async #seal(key: string): Promise<string> {
    try {
      return await this.#protector.encrypt(key)
    } catch (error) {
      const reason = isCommonsError(error) ? error.message : 'the OS keychain refused'
      throw new CommonsError('storage', `could not encrypt the API key (${reason}); it was not saved`, 'unlock the keychain and try again')
    }
  }

  /** A key saved where there was no keychain is sealed once a keychain is at hand. */
  async #sealPlainKey(): Promise<void> {
    const plainKey = this.#store.data.anthropic.plainKey
    if (plainKey === undefined || this.#protector.protection !== 'keychain') return
    try {
      const sealed = await this.#protector.encrypt(plainKey)
      await this.#update('the Anthropic key (now sealed by the keychain)', (draft) => {
        delete draft.anthropic.plainKey
        draft.anthropic.encryptedKey = sealed
      })
    } catch (error) {
      this.#log.warn('could not seal the saved API key with the keychain; it stays in the private file', { reason: isCommonsError(error) ? error.message : 'keychain error' })
    }
  }

  /** Changes the file: `change` edits a copy, which is validated, then written; on failure nothing changes. Runs in order. */
  async #update(what: string, change: (draft: SettingsFile) => void): Promise<void> {
    await this.#store.update(change)
    this.#log.info('saved model settings', { changed: what })
  }
}
