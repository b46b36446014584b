import type { RequestName, RequestOutput } from '../../../shared/bridge/contract.ts'
import { rootDocName } from '../../../shared/docNames.ts'
import type { Host } from '../host.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'
import type { DocReplicaServer } from './docReplicaServer.ts'
import type { ParsedInput, ServiceRequestName } from './hostServices.ts'

/** The requests the Host answers itself (the rest go to HostServices). */
export type HostRequestName = Exclude<RequestName, ServiceRequestName>

export type HostRequestHandlers = {
  [Name in HostRequestName]: (input: ParsedInput<Name>) => Promise<RequestOutput<Name>> | RequestOutput<Name>
}

export interface HostRequestContext {
  host: Host
  runtime: 'electron' | 'web'
  version: string
  replicas: DocReplicaServer
  /** Opens a workspace for this connection, which then gets its `sync.status` events. */
  open(workspaceId: string): Promise<WorkspaceSession>
  /** Registers a session this connection made (created, joined) for its `sync.status` events. */
  watch(session: WorkspaceSession): WorkspaceSession
}

export function hostRequestHandlers(context: HostRequestContext): HostRequestHandlers {
  const { host, replicas } = context
  return {
    'app.info': () => ({ deviceId: host.deviceId, displayName: host.device.get().displayName, runtime: context.runtime, version: context.version }),

    'workspaces.list': () => host.listWorkspaces(),
    'workspaces.create': async (input) => opened(context.watch(await host.createWorkspace(input))),
    'workspaces.join': async (input) => opened(context.watch(await host.joinWorkspace(input))),
    'workspaces.invite': async ({ workspaceId, ...options }) => ({ invite: await host.createInvite(workspaceId, options) }),
    'workspaces.open': async ({ workspaceId }) => opened(await context.open(workspaceId)),

    'doc.subscribe': async ({ workspaceId, docName }) => ({ subscriptionId: await replicas.subscribe(await context.open(workspaceId), docName) }),
    'doc.unsubscribe': ({ subscriptionId }) => {
      replicas.unsubscribe(subscriptionId)
      return { ok: true as const }
    },
    // Synchronous on purpose: a connection's messages are applied in the order they arrive.
    'doc.send': ({ subscriptionId, message }) => {
      replicas.receive(subscriptionId, message)
      return { ok: true as const }
    },

    'files.add': async ({ workspaceId, ...file }) => {
      const session = await context.open(workspaceId)
      const record = await session.files.add(file, session.context)
      return { fileId: record.id }
    },
    // Blob bytes never sit in a SharedArrayBuffer; the contract's type says ArrayBuffer.
    'files.read': async ({ workspaceId, fileId }) => ({ bytes: (await (await context.open(workspaceId)).files.read(fileId)) as Uint8Array<ArrayBuffer> })
  }
}

function opened(session: WorkspaceSession): RequestOutput<'workspaces.open'> {
  return {
    workspaceId: session.id,
    name: session.name,
    memberId: session.memberId,
    deviceId: session.deviceId,
    hasServer: session.hasServer,
    syncStatus: session.syncStatus,
    rootDocName: rootDocName(session.id)
  }
}
