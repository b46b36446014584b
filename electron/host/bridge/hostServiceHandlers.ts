import { EventEmitter } from 'node:events'
import type { AssistantSessionSummary } from '../assistant/assistantService.ts'
import type { Host } from '../host.ts'
import { testConnection, type ModelSettingsSummary } from '../settings/index.ts'
import { approve, requestChanges, runNow } from '../workflows/index.ts'
import type { HostServices, ServiceEvent } from './hostServices.ts'

/**
 * The bridge's requests that are not Y.Doc changes, answered by the Host's modules: model settings, the
 * private assistant, workflow runs and reviews. Assistant replies stream to the renderers as events.
 */
export function createHostServices(host: Host): HostServices & { emit(event: ServiceEvent): void } {
  const events = new EventEmitter<{ event: [ServiceEvent] }>()
  const emit = (event: ServiceEvent) => events.emit('event', event)
  const settingsView = async () => toSettingsView(await host.settings.summary())
  const session = (workspaceId: string) => host.openWorkspace(workspaceId)

  return {
    emit,
    onEvent(listener) {
      events.on('event', listener)
      return () => events.off('event', listener)
    },

    'settings.get': settingsView,
    async 'settings.setAnthropic'({ apiKey, baseURL }) {
      if (apiKey !== undefined) await host.settings.setAnthropicKey(apiKey.trim() === '' ? null : apiKey.trim())
      if (baseURL !== undefined) await host.settings.setAnthropicBaseUrl(baseURL === '' ? null : baseURL)
      return settingsView()
    },
    async 'settings.setLocal'({ baseURL, model, apiKey }) {
      if (baseURL === null || model === null) await host.settings.setLocal(null)
      else await host.settings.setLocal({ baseURL, model, ...(apiKey !== undefined ? { apiKey } : {}) })
      return settingsView()
    },
    async 'settings.setDefaults'({ defaultModel, assistantProvider }) {
      if (defaultModel !== undefined) await host.settings.setDefaultModel(defaultModel)
      if (assistantProvider !== undefined) await host.settings.setPrivateAssistantProvider(assistantProvider)
      return settingsView()
    },
    async 'settings.testModel'({ provider, model }) {
      const result = await testConnection(host.settings, provider, model !== undefined ? { model } : {})
      return result.ok
        ? { ok: true, message: result.warning ?? `${provider === 'anthropic' ? 'Anthropic' : 'The local model'} answers.`, hint: null }
        : { ok: false, message: result.message, hint: result.hint }
    },
    async 'settings.setProfile'({ displayName }) {
      await host.device.update((draft) => void (draft.displayName = displayName.trim()))
      return { ok: true }
    },

    async 'assistant.list'({ workspaceId }) {
      await session(workspaceId)
      return (await host.assistant()).list(workspaceId).map(toSummary)
    },
    async 'assistant.create'({ workspaceId, channelId }) {
      const assistant = await host.assistant()
      const created = await assistant.create({ workspaceId, channelId })
      return toSummary(assistant.transcript(created.id).summary)
    },
    async 'assistant.get'({ sessionId }) {
      const { summary, messages } = (await host.assistant()).transcript(sessionId)
      return { summary: toSummary(summary), messages: messages.map((entry) => ({ role: entry.role, text: entry.text, error: entry.error })) }
    },
    async 'assistant.rename'({ sessionId, title }) {
      const assistant = await host.assistant()
      await assistant.rename(sessionId, title)
      return toSummary(assistant.transcript(sessionId).summary)
    },
    async 'assistant.delete'({ sessionId }) {
      await (await host.assistant()).delete(sessionId)
      return { ok: true }
    },
    async 'assistant.removeContext'({ sessionId }) {
      const assistant = await host.assistant()
      await assistant.removeContext(sessionId)
      return toSummary(assistant.transcript(sessionId).summary)
    },
    async 'assistant.send'({ sessionId, text }) {
      const assistant = await host.assistant()
      // The reply streams as events; the request answers at once so the window stays responsive.
      void assistant
        .send(sessionId, text, { onText: (delta) => emit({ name: 'assistant.text', payload: { sessionId, text: delta } }) })
        .then(
          (result) => emit({ name: 'assistant.done', payload: { sessionId, outcome: result.outcome, error: null } }),
          (error: unknown) =>
            emit({
              name: 'assistant.done',
              payload: { sessionId, outcome: 'failed', error: { message: (error as Error).message, hint: (error as { hint?: string }).hint ?? null } }
            })
        )
      return { ok: true }
    },
    async 'assistant.stop'({ sessionId }) {
      ;(await host.assistant()).stop(sessionId)
      return { ok: true }
    },
    async 'assistant.share'({ sessionId, text, channelId }) {
      const message = await (await host.assistant()).shareToChannel(sessionId, text, channelId)
      return { messageId: message.id }
    },
    async 'assistant.saveAsDeliverable'({ sessionId, text, title, channelId }) {
      const deliverable = await (await host.assistant()).saveAsDeliverable(sessionId, text, title, channelId)
      return { deliverableId: deliverable.id }
    },

    async 'workflows.runNow'({ workspaceId, workflowId }) {
      return { taskId: runNow(await session(workspaceId), workflowId).task.id }
    },
    async 'review.approve'({ workspaceId, deliverableId }) {
      await approve(await session(workspaceId), deliverableId)
      return { ok: true }
    },
    async 'review.requestChanges'({ workspaceId, deliverableId, comment }) {
      const outcome = await requestChanges(await session(workspaceId), deliverableId, comment)
      return { taskId: outcome.task?.id ?? null }
    }
  }
}

function toSettingsView(summary: ModelSettingsSummary) {
  return {
    anthropic: {
      configured: summary.anthropic.keySource !== null,
      keySource: summary.anthropic.keySource ?? ('none' as const),
      keyHint: summary.anthropic.keyHint,
      baseURL: summary.anthropic.baseURL
    },
    local: { configured: summary.local !== null, baseURL: summary.local?.baseURL ?? null, model: summary.local?.model ?? null },
    defaultModel: summary.defaultModel,
    assistantProvider: summary.privateAssistant,
    keyProtection: summary.protection,
    keyWarning: summary.warning
  }
}

function toSummary(summary: AssistantSessionSummary) {
  return {
    id: summary.id,
    workspaceId: summary.workspaceId,
    title: summary.title,
    updatedAt: summary.updatedAt,
    contextChip: summary.contextChip === null ? null : { channelId: summary.contextChip.channelId, label: summary.contextChip.label }
  }
}
