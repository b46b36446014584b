import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CommonsError, ValidationError } from '../../shared/errors.ts'
import { isId, newId } from '../../shared/ids.ts'
import { parseMentions } from '../../shared/mentions.ts'
import { migrateRootDoc, type Migration } from '../../shared/model/migrations.ts'
import { rootCollections } from '../../shared/model/rootDoc.ts'
import { schemaVersion } from '../../shared/model/types.ts'
import {
  addCoworkerToChannel,
  archiveChannel,
  createChannel,
  findChannelByName,
  joinChannel,
  leaveChannel,
  listChannels,
  removeCoworkerFromChannel,
  renameChannel,
  resolveChannel,
  setChannelTopic
} from '../../shared/operations/channels.ts'
import { coworkerChannelIds, createCoworker, editCoworker, listCoworkers, removeCoworker } from '../../shared/operations/coworkers.ts'
import { addPerson, findMemberByHandle, listMembers, makeHandle, removeMember, renameMember } from '../../shared/operations/members.ts'
import { createWorkspace, readWorkspaceMeta, renameWorkspace } from '../../shared/operations/workspace.ts'
import { contextFor, newWorkspace, steppingClock } from './fixtures/workspace.ts'

function expectValidation(run: () => unknown, field: string, problem: RegExp): void {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    const problems = (error as ValidationError).problems
    expect(problems.some((entry) => entry.field === field && problem.test(entry.problem)), JSON.stringify(problems)).toBe(true)
    return
  }
  throw new Error('expected a validation error')
}

function expectError(run: () => unknown, code: CommonsError['code'], message: RegExp): void {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(CommonsError)
    expect((error as CommonsError).code).toBe(code)
    expect((error as CommonsError).message).toMatch(message)
    return
  }
  throw new Error(`expected a ${code} error`)
}

describe('ids', () => {
  it('are random, prefixed by kind, and recognised', () => {
    const a = newId('ch')
    expect(a).toMatch(/^ch_[a-z2-7]{20}$/)
    expect(newId('ch')).not.toBe(a)
    expect(isId(a, 'ch')).toBe(true)
    expect(isId(a, 'msg')).toBe(false)
    expect(isId('ch_short')).toBe(false)
  })
})

describe('workspace', () => {
  it('creates a workspace whose creator is its first member', () => {
    const { root, meta, adaId } = newWorkspace('Acme')
    expect(meta.name).toBe('Acme')
    expect(meta.schemaVersion).toBe(schemaVersion)
    expect(listMembers(root).map((member) => [member.id, member.name, member.handle])).toEqual([[adaId, 'Ada Lovelace', 'ada-lovelace']])
  })

  it('validates names and ids', () => {
    const root = new Y.Doc()
    const context = contextFor(newId('mem'), steppingClock())
    expectValidation(() => createWorkspace(root, { workspaceId: 'nope', name: 'X', creator: { memberId: newId('mem'), name: 'A' } }, context), 'workspaceId', /ws_ id/)
    expectValidation(() => createWorkspace(root, { workspaceId: newId('ws'), name: '   ', creator: { memberId: newId('mem'), name: 'A' } }, context), 'name', /1 to 80/)
    expectValidation(() => createWorkspace(root, { workspaceId: newId('ws'), name: 'X', creator: { memberId: newId('mem'), name: '' } }, context), 'creator.name', /your name/)
    expect(rootCollections(root).meta.size).toBe(0)
  })

  it('refuses to create twice in one doc, renames, and reads meta', () => {
    const { root, ada } = newWorkspace()
    expectError(() => createWorkspace(root, { workspaceId: newId('ws'), name: 'B', creator: { memberId: ada.actorId, name: 'A' } }, ada), 'conflict', /already holds/)
    expect(renameWorkspace(root, { name: ' Acme Corp ' }, ada).name).toBe('Acme Corp')
    expectValidation(() => renameWorkspace(root, { name: 'x'.repeat(81) }, ada), 'name', /1 to 80/)
    expectError(() => readWorkspaceMeta(new Y.Doc()), 'not-found', /no data on this device/)
  })

  it('writes each operation as one transaction with the context origin', () => {
    const { root, ada } = newWorkspace()
    const origins: unknown[] = []
    root.on('afterTransaction', (transaction) => origins.push(transaction.origin))
    createChannel(root, { name: 'general' }, ada)
    expect(origins).toEqual([ada.origin])
  })
})

describe('migrations', () => {
  it('apply forward only, once, and refuse a newer doc', () => {
    const { root, ada } = newWorkspace()
    let runs = 0
    const addDefaultTopic: Migration = {
      to: schemaVersion + 1,
      description: 'channels get a topic',
      migrate: (doc) => {
        runs++
        for (const channel of rootCollections(doc).channels.values()) if (channel.get('topic') === undefined) channel.set('topic', '')
      }
    }
    createChannel(root, { name: 'general' }, ada)
    rootCollections(root).channels.forEach((channel) => channel.delete('topic'))
    const first = migrateRootDoc(root, 'test', [addDefaultTopic], schemaVersion + 1)
    expect(first).toEqual({ from: schemaVersion, to: schemaVersion + 1, applied: ['channels get a topic'] })
    expect(listChannels(root)[0]!.topic).toBe('')
    expect(migrateRootDoc(root, 'test', [addDefaultTopic], schemaVersion + 1).applied).toEqual([])
    expect(runs).toBe(1)
    expectError(() => migrateRootDoc(root, 'test', [], schemaVersion), 'conflict', /newer version of Commons/)
  })

  it('converge when two devices migrate their own copies before syncing', () => {
    const { root } = newWorkspace()
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(root))
    const migration: Migration = { to: schemaVersion + 1, description: 'flag', migrate: (doc) => rootCollections(doc).meta.set('flag', true) }
    migrateRootDoc(root, 'a', [migration], schemaVersion + 1)
    migrateRootDoc(other, 'b', [migration], schemaVersion + 1)
    Y.applyUpdate(root, Y.encodeStateAsUpdate(other))
    Y.applyUpdate(other, Y.encodeStateAsUpdate(root))
    expect(rootCollections(root).meta.toJSON()).toEqual(rootCollections(other).meta.toJSON())
    expect(rootCollections(root).meta.get('schemaVersion')).toBe(schemaVersion + 1)
  })
})

describe('members', () => {
  it('adds people with unique handles, renames, and removes', () => {
    const { root, ada } = newWorkspace()
    const grace = newId('mem')
    const other = newId('mem')
    addPerson(root, { memberId: grace, name: 'Grace Hopper' }, ada)
    addPerson(root, { memberId: other, name: 'grace hopper' }, ada)
    expect(listMembers(root).map((member) => member.handle).sort()).toEqual(['ada-lovelace', 'grace-hopper', 'grace-hopper-2'])
    expect(renameMember(root, { memberId: other, name: 'Grace B.' }, ada).handle).toBe('grace-b.')
    expect(findMemberByHandle(root, '@GRACE-HOPPER')?.id).toBe(grace)
    removeMember(root, { memberId: grace }, ada)
    expect(listMembers(root).map((member) => member.id)).not.toContain(grace)
    expect(listMembers(root, { includeRemoved: true }).map((member) => member.id)).toContain(grace)
    expectError(() => renameMember(root, { memberId: newId('mem'), name: 'X' }, ada), 'not-found', /member/)
    expectValidation(() => addPerson(root, { memberId: 'x', name: 'X' }, ada), 'memberId', /mem_ id/)
  })

  it('makes handles from any name', () => {
    expect(makeHandle('Zoë  Smith!', new Set())).toBe('zoe-smith')
    expect(makeHandle('!!!', new Set())).toBe('member')
    expect(makeHandle('Bot', new Set(['bot', 'bot-2']))).toBe('bot-3')
  })
})

describe('coworkers', () => {
  it('are members with a purpose, a toolset, a model and budgets', () => {
    const { root, ada } = newWorkspace()
    const scout = createCoworker(root, { name: 'Scout', purpose: 'Researches accounts', toolset: ['search_workspace', 'read_channel', 'read_channel'] }, ada)
    expect(scout.kind).toBe('coworker')
    expect(scout.toolset).toEqual(['search_workspace', 'read_channel'])
    expect(scout.budgets.maxTurnsPerTask).toBeGreaterThan(0)
    expect(listMembers(root).find((member) => member.id === scout.id)?.kind).toBe('coworker')
    const edited = editCoworker(root, { coworkerId: scout.id, purpose: 'Sales research', budgets: { maxTurnsPerTask: 3 } }, ada)
    expect(edited.purpose).toBe('Sales research')
    expect(edited.budgets).toMatchObject({ maxTurnsPerTask: 3, maxSpendPerDayUsd: scout.budgets.maxSpendPerDayUsd })
    expect(listCoworkers(root).map((coworker) => coworker.id)).toEqual([scout.id])
    removeCoworker(root, { coworkerId: scout.id }, ada)
    expect(listCoworkers(root)).toEqual([])
  })

  it('reject unknown tools, bad budgets and people', () => {
    const { root, ada, adaId } = newWorkspace()
    expectValidation(() => createCoworker(root, { name: 'X', purpose: 'p', toolset: ['rm_rf'] }, ada), 'toolset', /unknown tools rm_rf/)
    expectValidation(() => createCoworker(root, { name: 'X', purpose: 'p', toolset: [], budgets: { maxTurnsPerTask: 0 } }, ada), 'budgets.maxTurnsPerTask', /at least 1/)
    expectValidation(() => createCoworker(root, { name: 'X', purpose: '', toolset: [] }, ada), 'purpose', /purpose/)
    expectError(() => editCoworker(root, { coworkerId: adaId, purpose: 'x' }, ada), 'invalid-input', /is a person/)
  })
})

describe('channels', () => {
  it('creates, renames, sets a topic, archives and restores', () => {
    const { root, ada, adaId } = newWorkspace()
    const general = createChannel(root, { name: ' #General Chat ' }, ada)
    expect(general.name).toBe('general-chat')
    expect(Object.keys(general.members)).toEqual([adaId])
    expect(renameChannel(root, { channelId: general.id, name: 'general' }, ada).name).toBe('general')
    expect(setChannelTopic(root, { channelId: general.id, topic: 'Anything goes' }, ada).topic).toBe('Anything goes')
    expect(archiveChannel(root, { channelId: general.id }, ada).archived).toBe(true)
    expect(listChannels(root)).toEqual([])
    expect(listChannels(root, { includeArchived: true })).toHaveLength(1)
    expect(archiveChannel(root, { channelId: general.id, archived: false }, ada).archived).toBe(false)
    expect(resolveChannel(root, '#general').id).toBe(general.id)
    expect(resolveChannel(root, general.id).name).toBe('general')
    expectError(() => resolveChannel(root, 'nope'), 'not-found', /channel "nope"/)
  })

  it('validates names and refuses duplicates', () => {
    const { root, ada } = newWorkspace()
    createChannel(root, { name: 'general' }, ada)
    expectError(() => createChannel(root, { name: 'General' }, ada), 'conflict', /already exists/)
    expectValidation(() => createChannel(root, { name: '' }, ada), 'name', /1 to 80/)
    expectValidation(() => createChannel(root, { name: 'a/b' }, ada), 'name', /only letters/)
    expectValidation(() => createChannel(root, { name: 'ok', topic: 'x'.repeat(251) }, ada), 'topic', /at most 250/)
  })

  it('people join and leave; coworkers are added and removed', () => {
    const { root, ada, adaId, as } = newWorkspace()
    const grace = newId('mem')
    addPerson(root, { memberId: grace, name: 'Grace' }, ada)
    const channel = createChannel(root, { name: 'sales' }, ada)
    joinChannel(root, { channelId: channel.id }, as(grace))
    joinChannel(root, { channelId: channel.id }, as(grace))
    expect(Object.keys(resolveChannel(root, 'sales').members).sort()).toEqual([adaId, grace].sort())
    leaveChannel(root, { channelId: channel.id }, as(grace))
    expect(Object.keys(resolveChannel(root, 'sales').members)).toEqual([adaId])

    const scout = createCoworker(root, { name: 'Scout', purpose: 'Research', toolset: [] }, ada)
    addCoworkerToChannel(root, { channelId: channel.id, coworkerId: scout.id }, ada)
    expect(coworkerChannelIds(root, scout.id)).toEqual([channel.id])
    expectError(() => addCoworkerToChannel(root, { channelId: channel.id, coworkerId: scout.id }, as(grace)), 'forbidden', /not a member of #sales/)
    expectError(() => addCoworkerToChannel(root, { channelId: channel.id, coworkerId: adaId }, ada), 'invalid-input', /is a person/)
    removeCoworkerFromChannel(root, { channelId: channel.id, coworkerId: scout.id }, ada)
    expect(coworkerChannelIds(root, scout.id)).toEqual([])
    archiveChannel(root, { channelId: channel.id }, ada)
    expectError(() => joinChannel(root, { channelId: channel.id }, as(grace)), 'conflict', /archived/)
  })

  it('keeps both channels when two devices create one name offline, and resolves the name the same way on both', () => {
    const { root, ada } = newWorkspace()
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(root))
    const first = createChannel(root, { name: 'general' }, ada)
    createChannel(other, { name: 'general' }, ada)
    Y.applyUpdate(root, Y.encodeStateAsUpdate(other))
    Y.applyUpdate(other, Y.encodeStateAsUpdate(root))
    expect(listChannels(root)).toHaveLength(2)
    expect(findChannelByName(root, 'general')?.id).toBe(findChannelByName(other, 'general')?.id)
    expect(findChannelByName(root, 'general')?.id).toBe(first.id)
  })
})

describe('mentions', () => {
  it('parses @handles of current members, longest first, not inside words or emails', () => {
    const { root, ada } = newWorkspace()
    const scout = createCoworker(root, { name: 'Scout', purpose: 'p', toolset: [] }, ada)
    const scoutPro = createCoworker(root, { name: 'Scout Pro', purpose: 'p', toolset: [] }, ada)
    const members = listMembers(root)
    const text = 'hey @scout-pro and @Scout, mail bob@scout.com; @nobody @scoutx (@ada-lovelace)'
    const mentions = parseMentions(text, members)
    expect(mentions.map((mention) => [mention.memberId, text.slice(mention.start, mention.end)])).toEqual([
      [scoutPro.id, '@scout-pro'],
      [scout.id, '@Scout'],
      [ada.actorId, '@ada-lovelace']
    ])
    expect(mentions[0]!.kind).toBe('coworker')
  })
})
