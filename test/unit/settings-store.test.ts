import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_MODEL } from '../../electron/agent/providers/models.ts'
import { ModelSettingsStore, SettingsFileError } from '../../electron/host/settings/modelSettingsStore.ts'
import type { SecretProtector } from '../../electron/host/settings/modelSettingsTypes.ts'
import { noSecretProtection } from '../../electron/host/settings/secretProtection.ts'
import { CommonsError, ValidationError } from '../../shared/errors.ts'
import { createLogger } from '../../shared/log.ts'

const posix = process.platform !== 'win32'
const KEY = 'sk-ant-api03-settings-test-key-0123456789abcdef'
const ENV_KEY = 'sk-ant-api03-environment-key-9876543210fedcba'

/** A stand-in for the OS keychain: reversible, and visibly not the plain key. */
function fakeKeychain(warning: string | null = null): SecretProtector & { sealed: string[] } {
  const sealed: string[] = []
  return {
    protection: 'keychain',
    warning,
    sealed,
    async encrypt(plain) {
      const out = Buffer.from([...plain].reverse().join(''), 'utf8').toString('base64')
      sealed.push(out)
      return out
    },
    async decrypt(value) {
      return [...Buffer.from(value, 'base64').toString('utf8')].reverse().join('')
    }
  }
}

describe('model settings', () => {
  const directories: string[] = []
  afterEach(async () => {
    for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true })
  })

  async function dataDir(): Promise<string> {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'commons-settings-'))
    directories.push(directory)
    return directory
  }

  it('starts with the default model, no key, and a private settings.json', async () => {
    const directory = await dataDir()
    const settings = await ModelSettingsStore.open({ dataDir: directory, env: {} })
    expect(settings.file).toBe(path.join(directory, 'settings.json'))
    if (posix) expect((await stat(settings.file)).mode & 0o777).toBe(0o600)
    expect(settings.defaultModel()).toBe(DEFAULT_MODEL)
    expect(settings.privateAssistantProvider()).toBe('anthropic')
    expect(await settings.canRunCoworkers()).toBe(false)
    await expect(settings.anthropic()).rejects.toMatchObject({ reason: 'not-configured', message: expect.stringContaining('no Anthropic API key') })
    await expect(settings.local()).rejects.toMatchObject({ reason: 'not-configured', message: 'no local model endpoint is set up' })
  })

  it('keeps a local endpoint key when the endpoint is saved again without one, and drops it with the endpoint', async () => {
    const directory = await dataDir()
    const settings = await ModelSettingsStore.open({ dataDir: directory, env: {} })
    await settings.setLocal({ baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: 'local-secret' })
    await settings.setLocal({ baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen3' })
    expect(await settings.local()).toMatchObject({ kind: 'openai-compatible', model: 'qwen3', apiKey: 'local-secret' })
    await settings.setLocal(null)
    await settings.setLocal({ baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen3' })
    expect((await settings.local()) as { apiKey?: string }).not.toHaveProperty('apiKey', 'local-secret')
  })

  it('takes the key and base URL from settings first, then from the environment', async () => {
    const directory = await dataDir()
    const env = { ANTHROPIC_API_KEY: ENV_KEY, ANTHROPIC_BASE_URL: 'https://gateway.example/anthropic/' }
    const settings = await ModelSettingsStore.open({ dataDir: directory, env })
    expect(await settings.anthropic()).toEqual({ kind: 'anthropic', apiKey: ENV_KEY, baseURL: 'https://gateway.example/anthropic' })
    expect((await settings.summary()).anthropic).toMatchObject({ keySource: 'environment', keyHint: 'dcba' })
    expect(await settings.canRunCoworkers()).toBe(true)

    await settings.setAnthropicKey(`  ${KEY}\n`)
    await settings.setAnthropicBaseUrl('http://127.0.0.1:8080')
    expect(await settings.anthropic()).toEqual({ kind: 'anthropic', apiKey: KEY, baseURL: 'http://127.0.0.1:8080' })
    expect((await settings.summary()).anthropic).toMatchObject({ keySource: 'settings', keyHint: 'cdef', baseURL: 'http://127.0.0.1:8080' })

    // Read back from disk by a fresh store; then cleared, the environment applies again.
    const reopened = await ModelSettingsStore.open({ dataDir: directory, env })
    expect(await reopened.anthropic()).toEqual({ kind: 'anthropic', apiKey: KEY, baseURL: 'http://127.0.0.1:8080' })
    await reopened.setAnthropicKey(null)
    await reopened.setAnthropicBaseUrl(null)
    expect(await reopened.anthropic()).toEqual({ kind: 'anthropic', apiKey: ENV_KEY, baseURL: 'https://gateway.example/anthropic' })
  })

  it('keeps the key as it is in the 0600 file when there is no keychain, and says so', async () => {
    const directory = await dataDir()
    const settings = await ModelSettingsStore.open({ dataDir: directory, env: {}, protector: noSecretProtection() })
    await settings.setAnthropicKey(KEY)
    const stored = JSON.parse(await readFile(settings.file, 'utf8'))
    expect(stored.anthropic).toEqual({ plainKey: KEY })
    if (posix) expect((await stat(settings.file)).mode & 0o777).toBe(0o600)
    const summary = await settings.summary()
    expect(summary.protection).toBe('none')
    expect(summary.warning).toMatch(/no OS keychain/)
  })

  it('seals the key with the keychain, and surfaces the keychain’s warning', async () => {
    const directory = await dataDir()
    const warning = 'no keyring was found, so the API key is stored with only basic obfuscation'
    const keychain = fakeKeychain(warning)
    const settings = await ModelSettingsStore.open({ dataDir: directory, env: {}, protector: keychain })
    await settings.setAnthropicKey(KEY)
    const text = await readFile(settings.file, 'utf8')
    expect(text).not.toContain(KEY)
    expect(JSON.parse(text).anthropic).toEqual({ encryptedKey: keychain.sealed[0] })
    expect(settings.warning).toBe(warning)
    expect(await settings.summary()).toMatchObject({ protection: 'keychain', warning, canRunCoworkers: true })

    const reopened = await ModelSettingsStore.open({ dataDir: directory, env: {}, protector: fakeKeychain() })
    expect(await reopened.anthropic()).toMatchObject({ apiKey: KEY })
  })

  it('seals a key saved without a keychain once one is there', async () => {
    const directory = await dataDir()
    const plain = await ModelSettingsStore.open({ dataDir: directory, env: {}, protector: noSecretProtection() })
    await plain.setAnthropicKey(KEY)
    const sealed = await ModelSettingsStore.open({ dataDir: directory, env: {}, protector: fakeKeychain() })
    const text = await readFile(sealed.file, 'utf8')
    expect(text).not.toContain(KEY)
    expect(JSON.parse(text).anthropic.encryptedKey).toBeTypeOf('string')
    expect(await sealed.anthropic()).toMatchObject({ apiKey: KEY })
  })

  it('says what to do when a sealed key cannot be read here, and uses the environment if it can', async () => {
    const directory = await dataDir()
    const desktop = await ModelSettingsStore.open({ dataDir: directory, env: {}, protector: fakeKeychain() })
    await desktop.setAnthropicKey(KEY)

    const cli = await ModelSettingsStore.open({ dataDir: directory, env: {}, protector: noSecretProtection() })
    const error = await cli.anthropic().catch((caught: unknown) => caught)
    expect(error).toMatchObject({ reason: 'not-configured', message: expect.stringContaining('encrypted with the OS keychain'), hint: expect.stringContaining('ANTHROPIC_API_KEY') })
    expect((await cli.summary()).anthropic.problem?.message).toContain('cannot be read here')
    expect(await cli.canRunCoworkers()).toBe(false)

    const withEnv = await ModelSettingsStore.open({ dataDir: directory, env: { ANTHROPIC_API_KEY: ENV_KEY }, protector: noSecretProtection() })
    expect(await withEnv.anthropic()).toMatchObject({ apiKey: ENV_KEY })
    // The sealed key is still there for the desktop app.
    expect(JSON.parse(await readFile(cli.file, 'utf8')).anthropic.encryptedKey).toBeTypeOf('string')
  })

  it('never puts the key in a log line, an error or an inspected store', async () => {
    const directory = await dataDir()
    const lines: string[] = []
    const log = createLogger({ scope: 'test', level: 'debug', write: (line) => lines.push(line) })
    const settings = await ModelSettingsStore.open({ dataDir: directory, env: {}, log, protector: fakeKeychain() })
    await settings.setAnthropicKey(KEY)
    await settings.anthropic()
    const errors: unknown[] = []
    await settings.setAnthropicKey(`${KEY} ${KEY}`).catch((error: unknown) => errors.push(error))
    await settings.setAnthropicBaseUrl(KEY).catch((error: unknown) => errors.push(error))
    await settings.setLocal({ baseURL: KEY, model: 'qwen3:8b', apiKey: KEY }).catch((error: unknown) => errors.push(error))
    // A file holding a key that does not parse.
    await writeFile(settings.file, `{"anthropic": {"plainKey": "${KEY}"`)
    await ModelSettingsStore.open({ dataDir: directory, env: {}, log }).catch((error: unknown) => errors.push(error))
    const broken = await ModelSettingsStore.open({ dataDir: await dataDir(), env: {}, log, protector: { ...fakeKeychain(), decrypt: async () => Promise.reject(new Error(`bad ${KEY}`)) } })
    await writeFile(broken.file, JSON.stringify({ schemaVersion: 1, anthropic: { encryptedKey: 'c2VhbGVk' } }))
    const reopened = await ModelSettingsStore.open({ dataDir: path.dirname(broken.file), env: {}, log, protector: { ...fakeKeychain(), decrypt: async () => Promise.reject(new Error(`bad ${KEY}`)) } })
    await reopened.anthropic().catch((error: unknown) => errors.push(error))

    expect(errors).toHaveLength(5)
    expect(errors[0]).toBeInstanceOf(ValidationError)
    expect(errors[3]).toBeInstanceOf(SettingsFileError)
    for (const error of errors) {
      expect(error).toBeInstanceOf(CommonsError)
      const shown = `${(error as CommonsError).message} ${(error as CommonsError).hint ?? ''} ${inspect(error)}`
      expect(shown).not.toContain(KEY)
      expect(shown).not.toContain(KEY.slice(0, 20))
    }
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).not.toContain(KEY)
    expect(inspect(settings, { depth: 10 })).not.toContain(KEY)
    expect(JSON.stringify(await settings.summary())).not.toContain(KEY)
  })

  it('keeps the local endpoint, the default model and the private assistant’s provider', async () => {
    const directory = await dataDir()
    const settings = await ModelSettingsStore.open({ dataDir: directory, env: {} })
    await settings.setLocal({ baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen3:8b' })
    await settings.setDefaultModel('claude-opus-5-5')
    await settings.setPrivateAssistantProvider('local')
    const reopened = await ModelSettingsStore.open({ dataDir: directory, env: {} })
    expect(await reopened.local()).toEqual({ kind: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen3:8b' })
    expect(reopened.defaultModel()).toBe('claude-opus-5-5')
    expect(reopened.privateAssistantProvider()).toBe('local')
    expect((await reopened.summary()).local).toEqual({ baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen3:8b', hasApiKey: false })

    await expect(reopened.setLocal({ baseURL: 'ftp://nope', model: 'x' })).rejects.toThrow(/local endpoint must be an http/)
    await expect(reopened.setPrivateAssistantProvider('cloud' as 'local')).rejects.toThrow(/provider must be anthropic or local/)
    await expect(reopened.setDefaultModel('   ')).rejects.toThrow(/model must not be empty/)
    await reopened.setLocal(null)
    await expect(reopened.local()).rejects.toMatchObject({ reason: 'not-configured' })
  })

  it('refuses a file it cannot read, or one from a newer version, and leaves it as it was', async () => {
    const directory = await dataDir()
    const file = path.join(directory, 'settings.json')
    await writeFile(file, JSON.stringify({ schemaVersion: 1, privateAssistant: 'somewhere' }))
    await expect(ModelSettingsStore.open({ dataDir: directory, env: {} })).rejects.toThrow(/settings\.json is invalid at privateAssistant: provider must be anthropic or local; Commons did not change it/)
    const newer = JSON.stringify({ schemaVersion: 9 })
    await writeFile(file, newer)
    await expect(ModelSettingsStore.open({ dataDir: directory, env: {} })).rejects.toMatchObject({ code: 'storage', hint: 'update Commons to use these settings' })
    expect(await readFile(file, 'utf8')).toBe(newer)
  })

  it('tightens a loose file mode, and keeps fields a newer version wrote', async () => {
    const directory = await dataDir()
    const file = path.join(directory, 'settings.json')
    await writeFile(file, JSON.stringify({ schemaVersion: 1, futureField: { keep: true } }), { mode: 0o644 })
    const settings = await ModelSettingsStore.open({ dataDir: directory, env: {} })
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600)
    await settings.setDefaultModel('claude-haiku-5-5')
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ futureField: { keep: true }, defaultModel: 'claude-haiku-5-5' })
  })
})
