import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ModelSettingsStore } from '../../electron/host/settings/modelSettingsStore.ts'
import { testConnection } from '../../electron/host/settings/testConnection.ts'
import { silentLogger } from '../../shared/log.ts'
import { startFakeMessagesApi } from '../fakes/messagesApi.ts'
import { startFakeOpenAiServer } from '../fakes/openaiCompatible.ts'

const KEY = 'sk-ant-api03-connection-test-key-0123456789'

describe('testing the connection from the settings screen', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function settings(env: Record<string, string | undefined> = {}) {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'commons-settings-'))
    cleanups.push(() => rm(directory, { recursive: true, force: true }))
    return ModelSettingsStore.open({ dataDir: directory, env })
  }

  async function messagesApi() {
    const fake = await startFakeMessagesApi({ apiKey: KEY })
    cleanups.push(() => fake.close())
    return fake
  }

  it('reports ok with the models, and a retiring default model as a warning', async () => {
    const fake = await messagesApi()
    const store = await settings()
    await store.setAnthropicKey(KEY)
    await store.setAnthropicBaseUrl(fake.url)
    expect(await testConnection(store, 'anthropic', { services: { log: silentLogger } })).toEqual({
      ok: true,
      models: expect.arrayContaining(['claude-sonnet-5-5']),
      warning: null
    })
    await store.setDefaultModel('claude-sonnet-4-5')
    // The SDK prints its own deprecation notice for this model.
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const result = await testConnection(store, 'anthropic', { services: { log: silentLogger } })
      expect(result).toMatchObject({ ok: true, warning: expect.stringContaining('2026-11-30') })
    } finally {
      consoleWarn.mockRestore()
    }
  })

  it('returns the model error’s message and hint: a refused key, an unknown model, no key at all', async () => {
    const fake = await messagesApi()
    const store = await settings({ ANTHROPIC_BASE_URL: fake.url })
    const missing = await testConnection(store, 'anthropic')
    expect(missing).toMatchObject({ ok: false, reason: 'not-configured', message: expect.stringContaining('no Anthropic API key'), hint: expect.stringContaining('Settings') })

    await store.setAnthropicKey('sk-ant-api03-the-wrong-key-000000000000')
    const refused = await testConnection(store, 'anthropic', { services: { log: silentLogger } })
    expect(refused).toMatchObject({ ok: false, reason: 'bad-key' })
    expect(refused.ok === false && refused.hint).toBeTruthy()
    expect(JSON.stringify(refused)).not.toContain('the-wrong-key')

    await store.setAnthropicKey(KEY)
    const unknown = await testConnection(store, 'anthropic', { model: 'claude-sonnet-9', services: { log: silentLogger } })
    expect(unknown).toMatchObject({ ok: false, reason: 'unknown-model', message: expect.stringContaining('claude-sonnet-9') })
  })

  it('checks the local endpoint and its model', async () => {
    const local = await startFakeOpenAiServer({ knownModels: ['qwen3:8b'] })
    cleanups.push(() => local.close())
    const store = await settings()
    expect(await testConnection(store, 'local')).toMatchObject({ ok: false, reason: 'not-configured' })
    await store.setLocal({ baseURL: local.url, model: 'qwen3:8b' })
    expect(await testConnection(store, 'local', { services: { log: silentLogger } })).toEqual({ ok: true, models: ['qwen3:8b'], warning: null })
    await store.setLocal({ baseURL: local.url, model: 'llama9' })
    expect(await testConnection(store, 'local', { services: { log: silentLogger } })).toMatchObject({ ok: false, reason: 'unknown-model' })
  })
})
