import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CommonsError, ValidationError } from '../../shared/errors.ts'
import { newId } from '../../shared/ids.ts'
import { trackerCollections } from '../../shared/model/deliverableDoc.ts'
import { addCoworkerToChannel, createChannel } from '../../shared/operations/channels.ts'
import { createCoworker } from '../../shared/operations/coworkers.ts'
import {
  createDocument,
  createTracker,
  getDeliverable,
  listDeliverables,
  renameDeliverable,
  setDeliverableStatus,
  writeDocument
} from '../../shared/operations/deliverables.ts'
import { addFile, getFile, listFiles, removeFile } from '../../shared/operations/files.ts'
import { addMemory, editMemory, getMemory, listMemory, pinMemory, removeMemory } from '../../shared/operations/memory.ts'
import { addPerson } from '../../shared/operations/members.ts'
import { countMessages, deleteMessage, editMessage, getMessage, postMessage, readMessages } from '../../shared/operations/messages.ts'
import {
  claimTask,
  createTask,
  finishTask,
  getTask,
  holdsClaim,
  listTasks,
  renewLease,
  requestStop,
  settleStoppedTask,
  tasksForMessage,
  workflowSlotTaskId
} from '../../shared/operations/tasks.ts'
import {
  addTrackerRows,
  coerceCellText,
  deleteTrackerRow,
  moveTrackerRow,
  parseColumnSpec,
  readColumns,
  updateTrackerRow
} from '../../shared/operations/trackers.ts'
import { createWorkflow, editWorkflow, listWorkflows, nextRunOf, removeWorkflow } from '../../shared/operations/workflows.ts'
import { fragmentToMarkdown } from '../../shared/content/documentToMarkdown.ts'
import { readTracker } from '../../shared/content/trackerTable.ts'
import { documentBody } from '../../shared/model/deliverableDoc.ts'
import { newWorkspace } from './fixtures/workspace.ts'

function caught(run: () => unknown): CommonsError {
  try {
    run()
  } catch (error) {
    if (error instanceof CommonsError) return error
    throw error
  }
  throw new Error('expected an error')
}

function withChannel() {
  const workspace = newWorkspace()
  const channel = createChannel(workspace.root, { name: 'general' }, workspace.ada)
  const channelDoc = new Y.Doc()
  return { ...workspace, channel, channelDoc, docs: { root: workspace.root, channel: channelDoc } }
}

describe('messages', () => {
  it('posts with parsed mentions, replies in threads, edits and soft-deletes', () => {
    const { root, ada, adaId, channel, docs, channelDoc } = withChannel()
    const scout = createCoworker(root, { name: 'Scout', purpose: 'p', toolset: [] }, ada)
    addCoworkerToChannel(root, { channelId: channel.id, coworkerId: scout.id }, ada)
    const first = postMessage(docs, { channelId: channel.id, text: 'hi @scout, what is new?' }, ada)
    expect(first.mentions).toEqual([{ memberId: scout.id, kind: 'coworker', start: 3, end: 9 }])
    expect(first.authorId).toBe(adaId)
    const reply = postMessage(docs, { channelId: channel.id, text: 'a reply', replyTo: first.id }, ada)
    const replyToReply = postMessage(docs, { channelId: channel.id, text: 'another', replyTo: reply.id }, ada)
    expect(reply.threadId).toBe(first.id)
    expect(replyToReply.threadId).toBe(first.id)
    expect(readMessages(channelDoc).map((message) => [message.text, message.replyCount])).toEqual([['hi @scout, what is new?', 2]])
    expect(readMessages(channelDoc, { threadId: first.id }).map((message) => message.text)).toEqual(['hi @scout, what is new?', 'a reply', 'another'])

    const edited = editMessage(docs, { messageId: first.id, text: 'hello everyone' }, ada)
    expect(edited).toMatchObject({ text: 'hello everyone', mentions: [] })
    expect(edited.editedAt).not.toBeNull()
    const deleted = deleteMessage(channelDoc, { messageId: first.id }, ada)
    expect(deleted.text).toBe('')
    expect(deleted.deleted?.deletedBy).toBe(adaId)
    expect(readMessages(channelDoc, { threadId: first.id })).toHaveLength(3)
    expect(caught(() => editMessage(docs, { messageId: first.id, text: 'x' }, ada)).message).toMatch(/was deleted/)
  })

  it('turns a person\'s @mention of a coworker in the channel into a queued task, and nothing else does', () => {
    const { root, ada, channel, docs } = withChannel()
    const context = { ...ada, deviceId: 'dev_aaaaaaaaaaaaaaaaaaaa' }
    const scout = createCoworker(root, { name: 'Scout', purpose: 'p', toolset: [] }, ada)
    const outsider = createCoworker(root, { name: 'Outsider', purpose: 'p', toolset: [] }, ada)
    addCoworkerToChannel(root, { channelId: channel.id, coworkerId: scout.id }, ada)
    const asking = postMessage(docs, { channelId: channel.id, text: '@scout and @outsider, summarise the week' }, context)
    const tasks = tasksForMessage(root, asking.id)
    expect(tasks.map((task) => [task.coworkerId, task.status, task.createdByDevice, task.prompt])).toEqual([
      [scout.id, 'queued', 'dev_aaaaaaaaaaaaaaaaaaaa', '@scout and @outsider, summarise the week']
    ])
    expect(tasks[0]!.trigger).toEqual({ type: 'mention', messageId: asking.id, threadId: null })
    // A coworker's own message mentioning another asks nobody.
    postMessage(docs, { channelId: channel.id, text: 'done, @scout' }, { ...context, actorId: scout.id })
    expect(listTasks(root)).toHaveLength(1)
    expect(outsider.id).not.toBe(scout.id)
  })

  it('refuses bad input and non-members, and keeps deletion over a concurrent edit', () => {
    const { root, ada, as, channel, docs, channelDoc } = withChannel()
    const grace = newId('mem')
    addPerson(root, { memberId: grace, name: 'Grace' }, ada)
    expect(caught(() => postMessage(docs, { channelId: channel.id, text: 'x' }, as(grace))).code).toBe('forbidden')
    expect(caught(() => postMessage(docs, { channelId: channel.id, text: '   ' }, ada))).toBeInstanceOf(ValidationError)
    expect(caught(() => postMessage(docs, { channelId: channel.id, text: 'x', replyTo: newId('msg') }, ada)).code).toBe('not-found')
    expect(caught(() => postMessage(docs, { channelId: channel.id, text: 'x', deliverableIds: [newId('dl')] }, ada)).code).toBe('not-found')
    const message = postMessage(docs, { channelId: channel.id, text: 'mine' }, ada)
    expect(caught(() => deleteMessage(channelDoc, { messageId: message.id }, as(grace))).code).toBe('forbidden')

    const otherDevice = new Y.Doc()
    Y.applyUpdate(otherDevice, Y.encodeStateAsUpdate(channelDoc))
    deleteMessage(channelDoc, { messageId: message.id }, ada)
    editMessage({ root, channel: otherDevice }, { messageId: message.id, text: 'edited offline' }, ada)
    Y.applyUpdate(channelDoc, Y.encodeStateAsUpdate(otherDevice))
    Y.applyUpdate(otherDevice, Y.encodeStateAsUpdate(channelDoc))
    expect(getMessage(channelDoc, message.id).deleted).not.toBeNull()
    expect(getMessage(otherDevice, message.id).text).toBe('')
  })

  it('pages back through a long channel and keeps its index current across peers', () => {
    const { channel, docs, channelDoc, ada, root } = withChannel()
    for (let index = 0; index < 120; index++) postMessage(docs, { channelId: channel.id, text: `m${index}` }, ada)
    const last = readMessages(channelDoc, { limit: 50 })
    expect(last[0]!.text).toBe('m70')
    const before = readMessages(channelDoc, { limit: 50, before: last[0]!.id })
    expect(before.map((message) => message.text)).toEqual(Array.from({ length: 50 }, (_, index) => `m${index + 20}`))
    const peer = new Y.Doc()
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(channelDoc))
    postMessage({ root, channel: peer }, { channelId: channel.id, text: 'from the peer' }, ada)
    postMessage(docs, { channelId: channel.id, text: 'local' }, ada)
    Y.applyUpdate(channelDoc, Y.encodeStateAsUpdate(peer))
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(channelDoc))
    expect(countMessages(channelDoc)).toBe(122)
    expect(readMessages(channelDoc, { limit: 2 }).map((message) => message.text).sort()).toEqual(['from the peer', 'local'])
    expect(readMessages(channelDoc, { limit: 2 }).map((message) => message.id)).toEqual(readMessages(peer, { limit: 2 }).map((message) => message.id))
  })
})

describe('memory', () => {
  it('adds, edits, pins, lists and removes items with their source', () => {
    const { root, ada, adaId, channel, docs } = withChannel()
    const message = postMessage(docs, { channelId: channel.id, text: 'We ship on Fridays' }, ada)
    const decision = addMemory(root, { kind: 'decision', text: 'Ship on Fridays', source: { type: 'message', channelId: channel.id, messageId: message.id } }, ada)
    expect(decision).toMatchObject({ kind: 'decision', authorId: adaId, pinned: false, source: { type: 'message', messageId: message.id } })
    const fact = addMemory(root, { kind: 'fact', text: 'HQ is in Lyon' }, ada)
    expect(pinMemory(root, { memoryId: fact.id }, ada).pinned).toBe(true)
    expect(listMemory(root).map((item) => item.id)).toEqual([fact.id, decision.id])
    expect(listMemory(root, { pinnedOnly: true }).map((item) => item.id)).toEqual([fact.id])
    expect(editMemory(root, { memoryId: decision.id, text: 'Ship on Thursdays' }, ada).text).toBe('Ship on Thursdays')
    removeMemory(root, { memoryId: decision.id }, ada)
    expect(caught(() => getMemory(root, decision.id)).code).toBe('not-found')
    expect(caught(() => addMemory(root, { kind: 'rumour' as 'fact', text: 'x' }, ada)).message).toMatch(/kind must be fact, decision or preference/)
    expect(caught(() => addMemory(root, { kind: 'fact', text: '' }, ada)).message).toMatch(/memory text/)
  })
})

describe('deliverables', () => {
  it('creates a document from Markdown, rewrites it, and moves it through review', () => {
    const { root, ada, adaId, channel } = withChannel()
    const content = new Y.Doc()
    const deliverableId = newId('dl')
    const document = createDocument({ root, deliverable: content }, { deliverableId, title: 'Weekly report', channelId: channel.id, markdown: '# Week 47\n\nAll **good**.' }, ada)
    expect(document).toMatchObject({ kind: 'document', status: 'draft', ownerId: adaId, channelId: channel.id })
    expect(fragmentToMarkdown(documentBody(content))).toContain('# Week 47')
    writeDocument({ root, deliverable: content }, { deliverableId, markdown: 'More.', mode: 'append' }, ada)
    expect(fragmentToMarkdown(documentBody(content))).toMatch(/All \*\*good\*\*\.\n\nMore\./)
    writeDocument({ root, deliverable: content }, { deliverableId, markdown: 'Replaced.' }, ada)
    expect(fragmentToMarkdown(documentBody(content)).trim()).toBe('Replaced.')
    expect(renameDeliverable(root, { deliverableId, title: 'Week 47 report' }, ada).title).toBe('Week 47 report')

    expect(caught(() => setDeliverableStatus(root, { deliverableId, status: 'approved' }, ada)).message).toMatch(/is draft; it can go to in-review, not approved/)
    setDeliverableStatus(root, { deliverableId, status: 'in-review' }, ada)
    setDeliverableStatus(root, { deliverableId, status: 'draft', comment: 'Add numbers' }, ada)
    setDeliverableStatus(root, { deliverableId, status: 'in-review' }, ada)
    const approved = setDeliverableStatus(root, { deliverableId, status: 'approved' }, ada)
    expect(approved.statusHistory.map((change) => [change.status, change.comment])).toEqual([
      ['draft', ''],
      ['in-review', ''],
      ['draft', 'Add numbers'],
      ['in-review', ''],
      ['approved', '']
    ])
    expect(listDeliverables(root, { status: 'approved' }).map((item) => item.id)).toEqual([deliverableId])
    expect(caught(() => createDocument({ root, deliverable: new Y.Doc() }, { deliverableId, title: 'dup' }, ada)).code).toBe('conflict')
  })

  it('makes trackers with typed columns; rows are added, edited, moved and deleted', () => {
    const { root, ada } = withChannel()
    const content = new Y.Doc()
    const deliverableId = newId('dl')
    createTracker({ root, deliverable: content }, { deliverableId, title: 'Deals', columns: parseColumnSpec('Account, Value:number, Close:date, Won:checkbox, Stage:select=lead|won|lost') }, ada)
    expect(getDeliverable(root, deliverableId).kind).toBe('tracker')
    expect(readColumns(content).map((column) => column.type)).toEqual(['text', 'number', 'date', 'checkbox', 'select'])
    const [acme, globex, initech] = addTrackerRows(content, { rows: [{ Account: 'Acme', Value: 100 }, { account: 'Globex', Stage: 'lead' }, { Account: 'Initech' }] }, ada)
    updateTrackerRow(content, { rowId: globex!, values: { Won: true, Close: '2026-12-01' } }, ada)
    moveTrackerRow(content, { rowId: initech!, toIndex: 0 }, ada)
    deleteTrackerRow(content, { rowId: acme! }, ada)
    const table = readTracker(content)
    expect(table.rows.map((row) => row.id)).toEqual([initech, globex])
    const stage = readColumns(content).find((column) => column.name === 'Stage')!
    expect(table.rows[1]!.values[stage.id]).toBe('lead')

    const problem = (values: Record<string, unknown>) => (caught(() => addTrackerRows(content, { rows: [values] }, ada)) as ValidationError).problems[0]
    expect(problem({ Value: 'lots' })).toEqual({ field: 'Value', problem: 'must be a number' })
    expect(problem({ Close: '2026-02-30' })).toEqual({ field: 'Close', problem: 'must be a date written YYYY-MM-DD' })
    expect(problem({ Stage: 'maybe' })).toEqual({ field: 'Stage', problem: 'must be one of lead, won, lost' })
    expect(caught(() => addTrackerRows(content, { rows: [{ Nope: 1 }] }, ada)).message).toMatch(/column "Nope" was not found/)
    expect(coerceCellText(readColumns(content)[1]!, ' 42 ')).toBe(42)
    expect(coerceCellText(readColumns(content)[3]!, 'yes')).toBe(true)
    expect(caught(() => createTracker({ root, deliverable: new Y.Doc() }, { deliverableId: newId('dl'), title: 'T', columns: [{ name: 'A' }, { name: 'a' }] }, ada)).message).toMatch(/different/)
    expect(caught(() => parseColumnSpec('A:colour')).message).toMatch(/column type must be/)
  })

  it('keeps one place for a row two devices moved at once', () => {
    const { root, ada } = withChannel()
    const content = new Y.Doc()
    createTracker({ root, deliverable: content }, { deliverableId: newId('dl'), title: 'T', columns: [{ name: 'Name' }] }, ada)
    const ids = addTrackerRows(content, { rows: [{ Name: 'a' }, { Name: 'b' }, { Name: 'c' }] }, ada)
    const peer = new Y.Doc()
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(content))
    moveTrackerRow(content, { rowId: ids[2]!, toIndex: 0 }, ada)
    moveTrackerRow(peer, { rowId: ids[2]!, toIndex: 1 }, ada)
    Y.applyUpdate(content, Y.encodeStateAsUpdate(peer))
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(content))
    expect(readTracker(content).rows.map((row) => row.id)).toEqual(readTracker(peer).rows.map((row) => row.id))
    expect(readTracker(content).rows).toHaveLength(3)
    expect(trackerCollections(content).rowOrder.length).toBeGreaterThanOrEqual(3)
  })
})

describe('files', () => {
  it('records blob metadata with extracted text', () => {
    const { root, ada, channel } = withChannel()
    const sha256 = 'a'.repeat(64)
    const file = addFile(root, { name: 'notes.md', size: 12, sha256, mimeType: 'text/markdown', text: '# Notes', channelId: channel.id }, ada)
    expect(getFile(root, file.id)).toMatchObject({ name: 'notes.md', sha256, text: '# Notes' })
    expect(listFiles(root, { channelId: channel.id })).toHaveLength(1)
    expect(caught(() => addFile(root, { name: 'a/b', size: 1, sha256 }, ada)).message).toMatch(/slashes/)
    expect(caught(() => addFile(root, { name: 'x', size: 1, sha256: 'nothex' }, ada)).message).toMatch(/64 lowercase hex/)
    removeFile(root, { fileId: file.id }, ada)
    expect(listFiles(root)).toEqual([])
  })
})

describe('workflows', () => {
  it('defines a scheduled workflow for a coworker in its channel', () => {
    const { root, ada, channel } = withChannel()
    const scout = createCoworker(root, { name: 'Scout', purpose: 'p', toolset: [] }, ada)
    const input = { name: 'Weekly report', coworkerId: scout.id, cron: '0 9 * * MON', timeZone: 'Europe/Paris', prompt: 'Write the weekly report', channelId: channel.id }
    expect(caught(() => createWorkflow(root, input, ada)).message).toMatch(/Scout is not in #general/)
    addCoworkerToChannel(root, { channelId: channel.id, coworkerId: scout.id }, ada)
    const workflow = createWorkflow(root, input, ada)
    expect(workflow).toMatchObject({ review: true, enabled: true, ownerId: ada.actorId })
    const next = nextRunOf(workflow, new Date('2026-11-21T12:00:00Z'))
    expect(next?.toISOString()).toBe('2026-11-23T08:00:00.000Z')
    expect(editWorkflow(root, { workflowId: workflow.id, enabled: false }, ada).enabled).toBe(false)
    expect(nextRunOf({ ...workflow, enabled: false })).toBeNull()
    expect(caught(() => createWorkflow(root, { ...input, cron: '61 * * * *' }, ada)).message).toMatch(/not a valid cron expression/)
    expect(caught(() => createWorkflow(root, { ...input, cron: 'every day' }, ada)).message).toMatch(/five-field cron/)
    expect(caught(() => createWorkflow(root, { ...input, timeZone: 'Mars/Olympus' }, ada)).message).toMatch(/IANA zone/)
    removeWorkflow(root, { workflowId: workflow.id }, ada)
    expect(listWorkflows(root)).toEqual([])
  })
})

describe('tasks', () => {
  const lease = 30_000

  function withTask() {
    const workspace = withChannel()
    const scout = createCoworker(workspace.root, { name: 'Scout', purpose: 'p', toolset: [] }, workspace.ada)
    const task = createTask(
      workspace.root,
      { coworkerId: scout.id, channelId: workspace.channel.id, trigger: { type: 'mention', messageId: newId('msg'), threadId: null }, prompt: 'hi', deviceId: 'dev_a' },
      workspace.ada
    )
    return { ...workspace, scout, task }
  }

  it('claims with a lease, renews, finishes, and refuses a second runner while the lease is live', () => {
    const { root, ada, task } = withTask()
    expect(task.status).toBe('queued')
    const claim = claimTask(root, { taskId: task.id, deviceId: 'dev_a', runId: 'run-1', leaseMs: lease }, ada)
    expect(claim.attempt).toBe(1)
    expect(caught(() => claimTask(root, { taskId: task.id, deviceId: 'dev_b', runId: 'run-2', leaseMs: lease }, ada)).message).toMatch(/being run by device dev_a/)
    renewLease(root, { taskId: task.id, runId: 'run-1', leaseMs: lease }, ada)
    expect(caught(() => finishTask(root, { taskId: task.id, runId: 'run-2', status: 'succeeded' }, ada)).code).toBe('conflict')
    const done = finishTask(root, { taskId: task.id, runId: 'run-1', status: 'succeeded', result: { messageId: null, deliverableIds: [] } }, ada)
    expect(done.status).toBe('succeeded')
    expect(caught(() => claimTask(root, { taskId: task.id, deviceId: 'dev_b', runId: 'run-2', leaseMs: lease }, ada)).message).toMatch(/already succeeded/)
  })

  it('lets another device take over after the lease lapses; the first runner then holds nothing', () => {
    const { root, task, as, adaId } = withTask()
    const early = { ...as(adaId), now: () => 1_000 }
    const late = { ...as(adaId), now: () => 1_000 + lease + 1 }
    claimTask(root, { taskId: task.id, deviceId: 'dev_a', runId: 'run-1', leaseMs: lease }, early)
    const takeover = claimTask(root, { taskId: task.id, deviceId: 'dev_b', runId: 'run-2', leaseMs: lease }, late)
    expect(takeover.attempt).toBe(2)
    expect(holdsClaim(root, task.id, 'run-1')).toBe(false)
    expect(caught(() => renewLease(root, { taskId: task.id, runId: 'run-1', leaseMs: lease }, late)).message).toMatch(/another device took it over/)
  })

  it('settles concurrent claims the same way on every device', () => {
    const { root, ada, task } = withTask()
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(root))
    claimTask(root, { taskId: task.id, deviceId: 'dev_a', runId: 'run-a', leaseMs: lease }, ada)
    claimTask(other, { taskId: task.id, deviceId: 'dev_b', runId: 'run-b', leaseMs: lease }, ada)
    Y.applyUpdate(root, Y.encodeStateAsUpdate(other))
    Y.applyUpdate(other, Y.encodeStateAsUpdate(root))
    const winner = getTask(root, task.id).claim!.runId
    expect(getTask(other, task.id).claim!.runId).toBe(winner)
    expect([holdsClaim(root, task.id, 'run-a'), holdsClaim(root, task.id, 'run-b')].filter(Boolean)).toHaveLength(1)
  })

  it('records the stop of a task whose runner went away, and leaves a live runner to stop itself', () => {
    const { root, task, as, adaId } = withTask()
    const at = (now: number) => ({ ...as(adaId), now: () => now })
    claimTask(root, { taskId: task.id, deviceId: 'dev_a', runId: 'run-1', leaseMs: lease }, at(1_000))
    requestStop(root, { taskId: task.id }, at(2_000))
    expect(settleStoppedTask(root, { taskId: task.id }, at(2_000)).status).toBe('running')
    const settled = settleStoppedTask(root, { taskId: task.id }, at(1_000 + lease + 1))
    expect(settled).toMatchObject({ status: 'stopped', endReason: 'stopped by Ada Lovelace (its runner had gone away)' })
  })

  it('derives one task per workflow slot and stops queued tasks at once', () => {
    const { root, ada, scout, channel } = withTask()
    const id = workflowSlotTaskId('wf_aaaaaaaaaaaaaaaaaaaa', 1_700_000_000_000)
    expect(id).toBe(workflowSlotTaskId('wf_aaaaaaaaaaaaaaaaaaaa', 1_700_000_000_000))
    expect(id).not.toBe(workflowSlotTaskId('wf_aaaaaaaaaaaaaaaaaaaa', 1_700_000_060_000))
    const input = { taskId: id, coworkerId: scout.id, channelId: channel.id, trigger: { type: 'workflow' as const, workflowId: 'wf_aaaaaaaaaaaaaaaaaaaa', slot: 1, missed: false }, prompt: 'p', deviceId: 'dev_a' }
    createTask(root, input, ada)
    createTask(root, { ...input, deviceId: 'dev_b' }, ada)
    expect(listTasks(root, { coworkerId: scout.id }).filter((task) => task.id === id)).toHaveLength(1)
    const stopped = requestStop(root, { taskId: id }, ada)
    expect(stopped).toMatchObject({ status: 'stopped', stopRequest: { by: ada.actorId } })
  })
})
