import type * as Y from 'yjs'
import { z } from 'zod'
import { CommonsError } from '../errors.ts'
import { newId } from '../ids.ts'
import { newRecordMap, setChangedFields } from '../model/records.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { CoworkerBudgets, CoworkerMember } from '../model/types.ts'
import { toolNames } from '../toolCatalog.ts'
import { transact, type OperationContext } from './context.ts'
import { getMember, listMembers, makeHandle, memberName, removeMember, requireMemberRecord, takenHandles } from './members.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

/** What a new coworker may spend unless told otherwise: enough for real work, not enough for a runaway. */
export const defaultBudgets: CoworkerBudgets = {
  maxTurnsPerTask: 12,
  maxOutputTokensPerTask: 16_000,
  maxSpendPerTaskUsd: 1,
  maxSpendPerDayUsd: 10
}

const toolset = z
  .array(z.string(), { error: 'toolset must be a list of tool names' })
  .superRefine((names, issue) => {
    const unknown = names.filter((name) => !toolNames.includes(name))
    if (unknown.length > 0) issue.addIssue({ code: 'custom', message: `unknown tools ${unknown.join(', ')}; known tools are ${toolNames.join(', ')}` })
  })
  .transform((names) => [...new Set(names)])

const budgets = z.object({
  maxTurnsPerTask: z.number().int().min(1, { error: 'must be at least 1' }).max(200, { error: 'must be at most 200' }),
  maxOutputTokensPerTask: z.number().int().min(256, { error: 'must be at least 256' }).max(1_000_000, { error: 'must be at most 1,000,000' }),
  maxSpendPerTaskUsd: z.number().positive({ error: 'must be more than 0' }).max(1_000, { error: 'must be at most 1,000' }),
  maxSpendPerDayUsd: z.number().positive({ error: 'must be more than 0' }).max(10_000, { error: 'must be at most 10,000' })
})

const modelId = z
  .string()
  .trim()
  .max(100, { error: 'model must be at most 100 characters' })
  .regex(/^[A-Za-z0-9._:/-]*$/, { error: 'model must be a model id such as claude-sonnet-5-5' })

export const createCoworkerInput = z.object({
  name: memberName,
  purpose: trimmedText('purpose', 2_000),
  toolset,
  model: modelId.default(''),
  budgets: budgets.partial().default({})
})

/** Adds an AI coworker to the workspace: a member with a purpose, a toolset, a model and budgets. */
export function createCoworker(root: Y.Doc, input: z.input<typeof createCoworkerInput>, context: OperationContext): CoworkerMember {
  const parsed = parseInput('create coworker', createCoworkerInput, input)
  const { members } = rootCollections(root)
  const id = newId('mem')
  transact(root, context, () => {
    members.set(
      id,
      newRecordMap({
        id,
        kind: 'coworker',
        name: parsed.name,
        handle: makeHandle(parsed.name, takenHandles(members)),
        joinedAt: context.now(),
        removedAt: null,
        purpose: parsed.purpose,
        toolset: parsed.toolset,
        model: parsed.model,
        budgets: { ...defaultBudgets, ...parsed.budgets },
        createdBy: context.actorId
      })
    )
  })
  return getCoworker(root, id)
}

export const editCoworkerInput = z.object({
  coworkerId: idOf('mem'),
  name: memberName.optional(),
  purpose: trimmedText('purpose', 2_000).optional(),
  toolset: toolset.optional(),
  model: modelId.optional(),
  budgets: budgets.partial().optional()
})

export function editCoworker(root: Y.Doc, input: z.input<typeof editCoworkerInput>, context: OperationContext): CoworkerMember {
  const { coworkerId, name, purpose, toolset, model, budgets } = parseInput('edit coworker', editCoworkerInput, input)
  const current = getCoworker(root, coworkerId)
  const { members } = rootCollections(root)
  const record = requireMemberRecord(members, coworkerId)
  transact(root, context, () => {
    setChangedFields(record, {
      name,
      handle: name === undefined ? undefined : makeHandle(name, takenHandles(members, coworkerId)),
      purpose,
      toolset,
      model,
      budgets: budgets === undefined ? undefined : { ...current.budgets, ...budgets }
    })
  })
  return getCoworker(root, coworkerId)
}

/** Removes a coworker from the workspace and from every channel it was in. */
export function removeCoworker(root: Y.Doc, input: { coworkerId: string }, context: OperationContext): void {
  getCoworker(root, input.coworkerId)
  removeMember(root, { memberId: input.coworkerId }, context)
}

export function getCoworker(root: Y.Doc, coworkerId: string): CoworkerMember {
  const member = getMember(root, coworkerId)
  if (member.kind !== 'coworker') throw new CommonsError('invalid-input', `${member.name} is a person, not a coworker`)
  return member
}

export function listCoworkers(root: Y.Doc): CoworkerMember[] {
  return listMembers(root).filter((member): member is CoworkerMember => member.kind === 'coworker')
}

/** The channels a coworker was added to: the one place that says where it may read and post. */
export function coworkerChannelIds(root: Y.Doc, coworkerId: string): string[] {
  const ids: string[] = []
  for (const [channelId, channel] of rootCollections(root).channels) {
    if ((channel.get('members') as Y.Map<number>).has(coworkerId) && channel.get('archived') !== true) ids.push(channelId)
  }
  return ids
}

