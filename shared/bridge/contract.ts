import { z } from 'zod'

/**
 * The bridge: the one typed contract between the renderer and the Host. Electron carries it over IPC
 * (electron/preload.ts exposes `window.commons`), the web host over a websocket on 127.0.0.1; both
 * sides validate every message with these schemas.
 *
 * Shared state reaches the renderer as Yjs docs: the renderer subscribes to a doc by name and keeps a
 * replica, synced with the Host's copy by y-protocols sync and awareness messages (`doc.subscribe`,
 * `doc.send`, the `doc.message` event). It reads with the shared read functions and changes things with
 * the shared operations (shared/operations/), exactly as the command line does; the Host persists the
 * changes and syncs them to other devices. Everything that is not a Y.Doc (device settings, private
 * assistant sessions, file bytes, invites) is a request below.
 */

const bytes = z.instanceof(Uint8Array)
const workspaceId = z.string().regex(/^ws_[a-z2-7]{20}$/)

export const syncStatus = z.enum(['offline', 'connecting', 'syncing', 'synced', 'access-denied'])

export const workspaceSummary = z.object({
  id: workspaceId,
  name: z.string(),
  memberId: z.string(),
  server: z.object({ url: z.string(), role: z.enum(['owner', 'member']) }).nullable()
})

export const openedWorkspace = z.object({
  workspaceId,
  name: z.string(),
  memberId: z.string(),
  deviceId: z.string(),
  hasServer: z.boolean(),
  syncStatus,
  /** The root doc's name, to subscribe to first. */
  rootDocName: z.string()
})

export const modelSettingsView = z.object({
  anthropic: z.object({
    configured: z.boolean(),
    keySource: z.enum(['settings', 'environment', 'none']),
    /** The key's last four characters, to tell keys apart; never more of it. */
    keyHint: z.string().nullable(),
    baseURL: z.string().nullable()
  }),
  local: z.object({ configured: z.boolean(), baseURL: z.string().nullable(), model: z.string().nullable() }),
  defaultModel: z.string(),
  assistantProvider: z.enum(['anthropic', 'local']),
  /** How the API key is protected at rest, and why it is weaker than expected if it is. */
  keyProtection: z.enum(['keychain', 'none']),
  keyWarning: z.string().nullable()
})

export const assistantSessionSummary = z.object({
  id: z.string(),
  workspaceId,
  title: z.string(),
  updatedAt: z.number(),
  contextChip: z.object({ channelId: z.string(), label: z.string() }).nullable()
})

/** A request: its input schema and its output schema. */
interface RequestSpec<Input extends z.ZodType, Output extends z.ZodType> {
  input: Input
  output: Output
}

const request = <Input extends z.ZodType, Output extends z.ZodType>(input: Input, output: Output): RequestSpec<Input, Output> => ({ input, output })
const none = z.object({})
const ok = z.object({ ok: z.literal(true) })

export const bridgeRequests = {
  'app.info': request(none, z.object({ deviceId: z.string(), displayName: z.string(), runtime: z.enum(['electron', 'web']), version: z.string() })),

  'workspaces.list': request(none, z.array(workspaceSummary)),
  'workspaces.create': request(z.object({ name: z.string(), userName: z.string(), serverUrl: z.string().optional() }), openedWorkspace),
  'workspaces.join': request(z.object({ invite: z.string(), userName: z.string() }), openedWorkspace),
  'workspaces.invite': request(z.object({ workspaceId, maxUses: z.number().int().optional(), expiresInHours: z.number().optional() }), z.object({ invite: z.string() })),
  'workspaces.open': request(z.object({ workspaceId }), openedWorkspace),

  /** Starts a replica of a doc: the Host answers with sync step 1 and step 2 as `doc.message` events. */
  'doc.subscribe': request(z.object({ workspaceId, docName: z.string() }), z.object({ subscriptionId: z.string() })),
  'doc.unsubscribe': request(z.object({ subscriptionId: z.string() }), ok),
  /** A y-websocket-framed message (sync or awareness) from the renderer's replica. */
  'doc.send': request(z.object({ subscriptionId: z.string(), message: bytes }), ok),

  'files.add': request(z.object({ workspaceId, name: z.string(), bytes, mimeType: z.string().optional(), channelId: z.string().nullable().optional() }), z.object({ fileId: z.string() })),
  'files.read': request(z.object({ workspaceId, fileId: z.string() }), z.object({ bytes })),

  'settings.get': request(none, modelSettingsView),
  'settings.setAnthropic': request(z.object({ apiKey: z.string().optional(), baseURL: z.string().nullable().optional() }), modelSettingsView),
  'settings.setLocal': request(z.object({ baseURL: z.string().nullable(), model: z.string().nullable(), apiKey: z.string().optional() }), modelSettingsView),
  'settings.setDefaults': request(z.object({ defaultModel: z.string().optional(), assistantProvider: z.enum(['anthropic', 'local']).optional() }), modelSettingsView),
  'settings.testModel': request(z.object({ provider: z.enum(['anthropic', 'local']), model: z.string().optional() }), z.object({ ok: z.boolean(), message: z.string(), hint: z.string().nullable() })),
  'settings.setProfile': request(z.object({ displayName: z.string() }), ok),

  'assistant.list': request(z.object({ workspaceId }), z.array(assistantSessionSummary)),
  'assistant.create': request(z.object({ workspaceId, channelId: z.string().nullable() }), assistantSessionSummary),
  'assistant.get': request(z.object({ sessionId: z.string() }), z.object({ summary: assistantSessionSummary, messages: z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string(), error: z.string().nullable() })) })),
  'assistant.rename': request(z.object({ sessionId: z.string(), title: z.string() }), assistantSessionSummary),
  'assistant.delete': request(z.object({ sessionId: z.string() }), ok),
  'assistant.removeContext': request(z.object({ sessionId: z.string() }), assistantSessionSummary),
  /** Sends a message; the reply streams as `assistant.text` events and ends with `assistant.done`. */
  'assistant.send': request(z.object({ sessionId: z.string(), text: z.string() }), ok),
  'assistant.stop': request(z.object({ sessionId: z.string() }), ok),
  'assistant.share': request(z.object({ sessionId: z.string(), text: z.string(), channelId: z.string() }), z.object({ messageId: z.string() })),
  'assistant.saveAsDeliverable': request(z.object({ sessionId: z.string(), text: z.string(), title: z.string(), channelId: z.string().nullable() }), z.object({ deliverableId: z.string() })),

  'workflows.runNow': request(z.object({ workspaceId, workflowId: z.string() }), z.object({ taskId: z.string() })),
  'review.approve': request(z.object({ workspaceId, deliverableId: z.string() }), ok),
  'review.requestChanges': request(z.object({ workspaceId, deliverableId: z.string(), comment: z.string() }), z.object({ taskId: z.string().nullable() }))
} as const

export type BridgeRequests = typeof bridgeRequests
export type RequestName = keyof BridgeRequests
export type RequestInput<Name extends RequestName> = z.input<BridgeRequests[Name]['input']>
export type RequestOutput<Name extends RequestName> = z.output<BridgeRequests[Name]['output']>

export const bridgeEvents = {
  /** A y-websocket-framed message from the Host's copy of a subscribed doc. */
  'doc.message': z.object({ subscriptionId: z.string(), message: bytes }),
  'sync.status': z.object({ workspaceId, status: syncStatus, detail: z.string().nullable() }),
  'assistant.text': z.object({ sessionId: z.string(), text: z.string() }),
  'assistant.done': z.object({ sessionId: z.string(), outcome: z.string(), error: z.object({ message: z.string(), hint: z.string().nullable() }).nullable() }),
  /** Something to tell the person even when they are looking elsewhere (a mention, a finished task, a review). */
  notification: z.object({ workspaceId, kind: z.enum(['mention', 'task-finished', 'review-requested']), title: z.string(), body: z.string(), channelId: z.string().nullable() })
} as const

export type BridgeEvents = typeof bridgeEvents
export type EventName = keyof BridgeEvents
export type EventPayload<Name extends EventName> = z.output<BridgeEvents[Name]>

/** An error as it crosses the bridge: the CommonsError's code, message and hint. */
export const bridgeError = z.object({ code: z.string(), message: z.string(), hint: z.string().nullable() })
export type BridgeError = z.infer<typeof bridgeError>

/** Frames on the web host's websocket (Electron IPC carries the same requests and events natively). */
export const clientFrame = z.object({ id: z.number().int(), name: z.string(), input: z.unknown() })
export const serverFrame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), id: z.number().int(), output: z.unknown() }),
  z.object({ kind: z.literal('error'), id: z.number().int(), error: bridgeError }),
  z.object({ kind: z.literal('event'), name: z.string(), payload: z.unknown() })
])

/** What the renderer holds: `window.commons` in Electron, a websocket client in a browser. */
export interface Bridge {
  request<Name extends RequestName>(name: Name, input: RequestInput<Name>): Promise<RequestOutput<Name>>
  on<Name extends EventName>(name: Name, listener: (payload: EventPayload<Name>) => void): () => void
}
