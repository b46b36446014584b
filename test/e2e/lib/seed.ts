/**
 * Data a scenario starts from, written with the Host and the shared operations into a device's data
 * directory BEFORE a web host opens it (an open data directory is locked by its Host).
 */
import { Host } from '../../../electron/host/host.ts'
import { newId } from '../../../shared/ids.ts'
import { silentLogger } from '../../../shared/log.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../../shared/operations/channels.ts'
import { operationContext } from '../../../shared/operations/context.ts'
import { createCoworker } from '../../../shared/operations/coworkers.ts'
import { addPerson } from '../../../shared/operations/members.ts'
import { addMemory } from '../../../shared/operations/memory.ts'
import { postMessage } from '../../../shared/operations/messages.ts'
import { createWorkflow } from '../../../shared/operations/workflows.ts'

export interface SeedOptions {
  workspace: string
  person: string
  serverUrl?: string
  /** Created in order; the device's person joins each. */
  channels: Array<{ name: string; topic?: string }>
  /** Other people in the workspace (members of every seeded channel). */
  people?: string[]
  coworkers?: Array<{ name: string; purpose: string; toolset: string[]; channels: string[] }>
  /** Posted oldest first, `minutesAgo` before now, by the device's person or one of `people`. */
  messages?: Array<SeedMessage>
  memory?: Array<{ kind: 'fact' | 'decision' | 'preference'; text: string; pinned?: boolean }>
  /** Weekly or daily schedules of a seeded coworker in a seeded channel. */
  workflows?: Array<{ name: string; coworker: string; channel: string; cron: string; prompt: string }>
}

export interface SeedMessage {
  channel: string
  author?: string
  text: string
  minutesAgo: number
  /** Replies in its thread, each some minutes ago too. */
  replies?: Array<{ author?: string; text: string; minutesAgo: number }>
}

export interface Seeded {
  workspaceId: string
  memberId: string
  channelIds: Record<string, string>
  memberIds: Record<string, string>
}

export async function seedWorkspace(dataDir: string, options: SeedOptions): Promise<Seeded> {
  const host = await Host.open({ dataDir, source: 'test', log: silentLogger })
  try {
    const session = await host.createWorkspace({ name: options.workspace, userName: options.person, ...(options.serverUrl !== undefined ? { serverUrl: options.serverUrl } : {}) })
    const root = session.root
    const memberIds: Record<string, string> = { [options.person]: session.memberId }
    for (const name of options.people ?? []) {
      const memberId = newId('mem')
      addPerson(root, { memberId, name }, session.context)
      memberIds[name] = memberId
    }
    const channelIds: Record<string, string> = {}
    for (const channel of options.channels) {
      channelIds[channel.name] = createChannel(root, { name: channel.name, topic: channel.topic ?? '' }, session.context).id
      for (const name of options.people ?? []) joinChannel(root, { channelId: channelIds[channel.name]! }, operationContext(memberIds[name]!, 'test'))
    }
    for (const coworker of options.coworkers ?? []) {
      const made = createCoworker(root, { name: coworker.name, purpose: coworker.purpose, toolset: coworker.toolset }, session.context)
      memberIds[coworker.name] = made.id
      for (const channel of coworker.channels) addCoworkerToChannel(root, { channelId: channelIds[channel]!, coworkerId: made.id }, session.context)
    }
    for (const item of options.memory ?? []) addMemory(root, { kind: item.kind, text: item.text, pinned: item.pinned ?? false }, session.context)
    for (const workflow of options.workflows ?? []) {
      createWorkflow(root, { name: workflow.name, coworkerId: memberIds[workflow.coworker]!, channelId: channelIds[workflow.channel]!, cron: workflow.cron, prompt: workflow.prompt }, session.context)
    }
    const now = Date.now()
    for (const message of [...(options.messages ?? [])].sort((a, b) => b.minutesAgo - a.minutesAgo)) {
      const channelId = channelIds[message.channel]!
      const author = memberIds[message.author ?? options.person]!
      const context = operationContext(author, 'test', { now: () => now - message.minutesAgo * 60_000 })
      const posted = await session.withChannel(channelId, (docs) => postMessage(docs, { channelId, text: message.text }, context))
      for (const reply of message.replies ?? []) {
        const replyContext = operationContext(memberIds[reply.author ?? options.person]!, 'test', { now: () => now - reply.minutesAgo * 60_000 })
        await session.withChannel(channelId, (docs) => postMessage(docs, { channelId, text: reply.text, replyTo: posted.id }, replyContext))
      }
    }
    return { workspaceId: session.id, memberId: session.memberId, channelIds, memberIds }
  } finally {
    await host.close()
  }
}
