/**
 * The shape of `<dataDir>/assistant.json`: a person's private assistant sessions on this device.
 *
 * Nothing here is ever written to a Y.Doc or sent to a sync server. Objects are "loose" (fields written
 * by a newer Commons are kept, not dropped), except the conversation's content blocks, which are sent
 * to the model as they are and so must be exactly what the providers speak.
 */

import { z } from 'zod'
import { isId } from '../../../shared/ids.ts'
import type { ConversationMessage } from '../../agent/providers/types.ts'

export const assistantSchemaVersion = 1

const id = (kind: Parameters<typeof isId>[1], example: string) =>
  z.string().refine((value) => isId(value, kind), { message: `expected an id like "${example}"` })

const time = z.number().int().min(0)

const textBlock = z.object({ type: z.literal('text'), text: z.string() })
const toolUseBlock = z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() })
const toolResultBlock = z.object({ type: z.literal('tool_result'), tool_use_id: z.string(), content: z.string(), is_error: z.boolean().optional() })

export const conversationMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.array(z.union([textBlock, toolResultBlock])) }),
  z.object({ role: z.literal('assistant'), content: z.array(z.union([textBlock, toolUseBlock])) })
])

/** The channel context a session was opened with, shown to the person as a chip they can remove. */
export const contextChipSchema = z.looseObject({
  channelId: id('ch', 'ch_…'),
  channelName: z.string(),
  /** What the chip says, e.g. "#launch · 30 messages · 2 deliverables". */
  label: z.string(),
  /** The snapshot the model reads while the chip is on (channelContext.ts). */
  text: z.string(),
  takenAt: time
})

/** Something that happened after a message, shown in the transcript: a failed or stopped reply, a share. */
export const sessionNoteSchema = z.looseObject({
  /** How many conversation messages came before it. */
  afterMessage: z.number().int().min(0),
  kind: z.enum(['error', 'stopped', 'shared', 'saved']),
  text: z.string(),
  hint: z.string().nullable(),
  at: time,
  /** For 'shared': the channel and the posted message; for 'saved': the deliverable. */
  channelId: z.string().nullable().default(null),
  targetId: z.string().nullable().default(null)
})

export const assistantSessionSchema = z.looseObject({
  id: id('ses', 'ses_…'),
  workspaceId: id('ws', 'ws_…'),
  title: z.string().min(1),
  createdAt: time,
  updatedAt: time,
  provider: z.enum(['anthropic', 'local']),
  /** Empty: the default model of the provider (the configured model of a local endpoint). */
  model: z.string(),
  contextChip: contextChipSchema.nullable(),
  messages: z.array(conversationMessageSchema),
  notes: z.array(sessionNoteSchema)
})

export const assistantFileSchema = z.looseObject({
  schemaVersion: z.literal(assistantSchemaVersion),
  sessions: z.record(id('ses', 'ses_…'), assistantSessionSchema)
})

export type ContextChip = z.infer<typeof contextChipSchema>
export type SessionNote = z.infer<typeof sessionNoteSchema>
export type AssistantSession = z.infer<typeof assistantSessionSchema>
export type AssistantFile = z.infer<typeof assistantFileSchema>
export type AssistantProvider = AssistantSession['provider']

// The stored conversation is handed to the agent as it is: keep the two shapes in step.
type Stored = z.infer<typeof conversationMessageSchema>
const storedIsProviderNeutral = (message: Stored): ConversationMessage => message
const providerNeutralIsStored = (message: ConversationMessage): Stored => message
void storedIsProviderNeutral
void providerNeutralIsStored
