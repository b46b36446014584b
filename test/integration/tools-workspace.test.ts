import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BlobStore } from '../../electron/host/blobStore.ts'
import { createAllTools } from '../../electron/host/tools/allTools.ts'
import { createToolRegistry } from '../../electron/host/tools/registry.ts'
import { readTracker } from '../../shared/content/trackerTable.ts'
import { newId } from '../../shared/ids.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { createDocument, getDeliverable } from '../../shared/operations/deliverables.ts'
import { addFile } from '../../shared/operations/files.ts'
import { addMemory, getMemory } from '../../shared/operations/memory.ts'
import { getMessage, readMessages } from '../../shared/operations/messages.ts'
import { listTasks } from '../../shared/operations/tasks.ts'
import { json, openToolsWorkspace, type ToolsWorkspace } from './tools-fixture.ts'

describe('the workspace tools, run by a coworker on a real Host', () => {
  let ws: ToolsWorkspace
  beforeEach(async () => {
    ws = await openToolsWorkspace()
  })
  afterEach(async () => {
    await ws.close()
  })

  describe('read_channel', () => {
    it('reads the latest messages with ids, authors and times, by name or id', async () => {
      await ws.post(ws.general.id, 'first')
      await ws.post(ws.general.id, 'second')
      const outcome = await ws.call('read_channel', { channel: '#general', limit: 2 })
      const result = json(outcome)
      expect(result).toMatchObject({ channel: '#general', channelId: ws.general.id, shown: 2, total: 3 })
      expect(result.messages.map((message: { text: string }) => message.text)).toEqual(['first', 'second'])
      expect(result.messages[0]).toMatchObject({ id: expect.stringMatching(/^msg_/), author: 'Ada (@ada)', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/) })
      expect(result.older).toContain(result.messages[0].id)
      expect(outcome.summary).toBe('read 2 messages from #general')

      const byId = json(await ws.call('read_channel', { channel: ws.general.id }))
      expect(byId.messages.map((message: { text: string }) => message.text)).toEqual(['@scout please summarise the week', 'first', 'second'])
      expect(byId).not.toHaveProperty('older')
      const paged = json(await ws.call('read_channel', { channel: 'general', before: result.messages[0].id }))
      expect(paged.messages.map((message: { text: string }) => message.text)).toEqual(['@scout please summarise the week'])
    })

    it('reads a whole thread from any of its messages', async () => {
      const reply = await ws.post(ws.general.id, 'a reply', ws.ada, ws.ask.id)
      await ws.post(ws.general.id, 'another reply', ws.ada, ws.ask.id)
      const top = json(await ws.call('read_channel', { channel: 'general' }))
      expect(top.messages[0]).toMatchObject({ id: ws.ask.id, replies: 2 })
      const outcome = await ws.call('read_channel', { channel: 'general', thread: reply.id })
      expect(json(outcome).messages.map((message: { text: string }) => message.text)).toEqual(['@scout please summarise the week', 'a reply', 'another reply'])
      expect(outcome.summary).toBe('read 3 messages from a thread in #general')
    })

    it('cuts long messages and names coworkers as such', async () => {
      await ws.post(ws.general.id, 'x'.repeat(5_000), operationContext(ws.scout.id, 'agent'))
      const last = json(await ws.call('read_channel', { channel: 'general', limit: 1 })).messages[0]
      expect(last.author).toBe('Scout (@scout, coworker)')
      expect(last.text).toMatch(/^x{4000}… \[cut: 1,000 more characters\]$/)
    })
  })

  describe('post_message', () => {
    it('posts as the coworker in the task’s channel, in a thread, and starts no task', async () => {
      const tasksBefore = listTasks(ws.root).length
      const outcome = await ws.call('post_message', { text: 'On it, @ada. @scout will report back.' })
      const posted = json(outcome).posted
      const message = await ws.session.withChannel(ws.general.id, (docs) => getMessage(docs.channel, posted))
      expect(message).toMatchObject({ authorId: ws.scout.id, taskId: ws.task.id, threadId: null })
      expect(message.mentions.length).toBe(2)
      expect(listTasks(ws.root).length).toBe(tasksBefore)
      expect(outcome.summary).toBe('posted in #general: "On it, @ada. @scout will report back."')

      const threaded = json(await ws.call('post_message', { channel: 'general', text: 'in the thread', replyTo: ws.ask.id }))
      expect(threaded.thread).toBe(ws.ask.id)
    })

    it('links deliverables it can reach', async () => {
      const doc = json(await ws.call('create_document', { title: 'Notes', markdown: 'hi' }))
      const posted = json(await ws.call('post_message', { text: 'see the notes', deliverables: ['Notes'] })).posted
      const message = await ws.session.withChannel(ws.general.id, (docs) => getMessage(docs.channel, posted))
      expect(message.deliverableIds).toEqual([doc.created])
    })
  })

  describe('documents', () => {
    it('creates, reads and edits a document in its channel, and records what it touched', async () => {
      const context = ws.scoutContext()
      const created = await ws.call('create_document', { title: 'Weekly report', markdown: '# Week 47\n\n- shipped **search**' }, context)
      const { created: id } = json(created)
      expect(created.summary).toBe('created document "Weekly report" in #general')
      expect(getDeliverable(ws.root, id)).toMatchObject({ title: 'Weekly report', channelId: ws.general.id, ownerId: ws.scout.id, status: 'draft' })
      expect([...context.touchedDeliverables]).toEqual([id])

      const read = await ws.call('read_deliverable', { deliverable: id })
      expect(read.content).toMatch(/^Document "Weekly report" \(dl_\w+\), draft, #general, updated .*\n---\n# Week 47\n\n- shipped \*\*search\*\*/)
      expect(read.summary).toBe('read document "Weekly report"')

      const edits = ws.scoutContext()
      const appended = await ws.call('edit_document', { deliverable: 'weekly report', markdown: '## Next\n\nMore search.', mode: 'append' }, edits)
      expect(appended.summary).toBe('appended to document "Weekly report"')
      expect([...edits.touchedDeliverables]).toEqual([id])
      expect((await ws.call('read_deliverable', { deliverable: id })).content).toMatch(/shipped \*\*search\*\*\n\n## Next\n\nMore search\.\n$/)

      await ws.call('edit_document', { deliverable: id, markdown: 'Start over.', mode: 'replace' })
      expect((await ws.call('read_deliverable', { deliverable: id })).content).toMatch(/---\nStart over\.\n$/)
    })

    it('pages through a long document', async () => {
      const markdown = Array.from({ length: 3_000 }, (_, index) => `Paragraph ${index} with some words.`).join('\n\n')
      const { created } = json(await ws.call('create_document', { title: 'Long', markdown, kind: 'report' }))
      const first = (await ws.call('read_deliverable', { deliverable: created })).content
      expect(first).toMatch(/^Report "Long"/)
      expect(first).toMatch(/Showing characters 0–20,000 of [\d,]+; read on with offset 20000\./)
      const second = (await ws.call('read_deliverable', { deliverable: created, offset: 20_000 })).content
      expect(second).toMatch(/Showing characters 20,000–40,000/)
    })

    it('says what is wrong when a document tool meets a tracker, or nothing', async () => {
      const { created } = json(await ws.call('create_tracker', { title: 'Bugs', columns: [{ name: 'Title' }] }))
      const edit = await ws.call('edit_document', { deliverable: created, markdown: 'x', mode: 'append' })
      expect(edit).toMatchObject({ isError: true, refused: null })
      expect(edit.content).toBe('"Bugs" is a tracker, not a document. What to do: change its rows with add_tracker_rows or update_tracker_row')
      const missing = await ws.call('read_deliverable', { deliverable: 'No such thing' })
      expect(missing.content).toMatch(/deliverable "No such thing" was not found\. What to do: find it with search_workspace/)
    })
  })

  describe('trackers', () => {
    it('creates a tracker with typed columns and rows, adds and updates rows, and reads them back', async () => {
      const context = ws.scoutContext()
      const created = await ws.call(
        'create_tracker',
        {
          title: 'Launch checklist',
          columns: [{ name: 'Task' }, { name: 'Due', type: 'date' }, { name: 'Done', type: 'checkbox' }, { name: 'Stage', type: 'select', options: ['todo', 'done'] }],
          rows: [{ Task: 'Write docs', Due: '2026-12-01', Done: false, Stage: 'todo' }]
        },
        context
      )
      const { created: id, rowIds } = json(created)
      expect(created.summary).toBe('created tracker "Launch checklist" in #general with 4 columns and 1 row')
      expect(rowIds).toHaveLength(1)
      expect(context.touchedDeliverables.has(id)).toBe(true)

      const added = await ws.call('add_tracker_rows', { tracker: 'Launch checklist', rows: [{ Task: 'Ship' }, { Task: 'Party', done: true }] })
      expect(added.summary).toBe('added 2 rows to tracker "Launch checklist"')
      const updated = await ws.call('update_tracker_row', { tracker: id, rowId: rowIds[0], values: { Done: true, Stage: 'done' } })
      expect(updated.summary).toBe('updated Done, Stage of a row of tracker "Launch checklist"')

      const read = json(await ws.call('read_deliverable', { deliverable: id }))
      expect(read.columns).toEqual([
        { name: 'Task', type: 'text' },
        { name: 'Due', type: 'date' },
        { name: 'Done', type: 'checkbox' },
        { name: 'Stage', type: 'select', options: ['todo', 'done'] }
      ])
      expect(read.rows.map(({ rowId: _rowId, ...cells }: Record<string, unknown>) => cells)).toEqual([
        { Task: 'Write docs', Due: '2026-12-01', Done: true, Stage: 'done' },
        { Task: 'Ship', Due: null, Done: null, Stage: null },
        { Task: 'Party', Due: null, Done: true, Stage: null }
      ])
      expect(read.rows[0].rowId).toBe(rowIds[0])
    })

    it('names the column whose value does not fit, and writes nothing', async () => {
      const { created } = json(await ws.call('create_tracker', { title: 'Scores', columns: [{ name: 'Name' }, { name: 'Points', type: 'number' }] }))
      const outcome = await ws.call('add_tracker_rows', { tracker: created, rows: [{ Name: 'a', Points: 1 }, { Name: 'b', Points: 'lots' }] })
      expect(outcome).toMatchObject({ isError: true })
      expect(outcome.content).toMatch(/Points: must be a number/)
      const unknown = await ws.call('add_tracker_rows', { tracker: created, rows: [{ Colour: 'red' }] })
      expect(unknown.content).toMatch(/column "Colour" was not found\. What to do: columns are Name, Points/)
      const rows = await ws.session.withDeliverable(created, ({ deliverable }) => readTracker(deliverable).rows)
      expect(rows).toEqual([])
    })

    it('says so when a tracker was made but its first rows did not fit', async () => {
      const context = ws.scoutContext()
      const outcome = await ws.call('create_tracker', { title: 'Half', columns: [{ name: 'N', type: 'number' }], rows: [{ N: 'x' }] }, context)
      expect(outcome.isError).toBe(true)
      expect(outcome.content).toMatch(/^created tracker "Half" \(dl_\w+\), but its rows were not added: .*N: must be a number\. What to do: fix the rows and add them with add_tracker_rows/)
      expect(context.touchedDeliverables.size).toBe(1)
    })
  })

  describe('memory', () => {
    it('remembers with the triggering message as its source, or a deliverable', async () => {
      const outcome = await ws.call('remember', { kind: 'decision', text: 'Weekly reports go out on Fridays.' })
      const { remembered, source } = json(outcome)
      expect(getMemory(ws.root, remembered)).toMatchObject({
        kind: 'decision',
        authorId: ws.scout.id,
        source: { type: 'message', channelId: ws.general.id, messageId: ws.ask.id }
      })
      expect(source).toBe(`message ${ws.ask.id} in #general`)
      expect(outcome.summary).toBe('remembered a decision: "Weekly reports go out on Fridays."')

      const { created } = json(await ws.call('create_document', { title: 'Style guide', markdown: 'Use sentence case.' }))
      const fromDoc = json(await ws.call('remember', { kind: 'preference', text: 'Headings use sentence case.', deliverable: 'Style guide' }))
      expect(getMemory(ws.root, fromDoc.remembered).source).toEqual({ type: 'deliverable', deliverableId: created })

      const other = await ws.post(ws.general.id, 'The office closes at six.')
      const fromMessage = json(await ws.call('remember', { kind: 'fact', text: 'The office closes at 18:00.', message: other.id }))
      expect(getMemory(ws.root, fromMessage.remembered).source).toEqual({ type: 'message', channelId: ws.general.id, messageId: other.id })

      const bad = await ws.call('remember', { kind: 'rumour', text: 'x' })
      expect(bad.content).toMatch(/kind: must be fact, decision or preference/)
    })

    it('lists and searches memory', async () => {
      await ws.call('remember', { kind: 'decision', text: 'We use Postgres for the billing service.' })
      await ws.call('remember', { kind: 'preference', text: 'Ada prefers short status updates.' })
      const listed = await ws.call('recall', {})
      expect(json(listed).items.map((item: { text: string }) => item.text)).toEqual(['Ada prefers short status updates.', 'We use Postgres for the billing service.'])
      expect(json(listed).items[0]).toMatchObject({ kind: 'preference', by: 'Scout (@scout, coworker)', source: expect.stringContaining('#general') })
      expect(listed.summary).toBe('listed memory: 2 items')

      const found = await ws.call('recall', { query: 'postgres billing' })
      expect(json(found).items.map((item: { kind: string }) => item.kind)).toEqual(['decision'])
      expect(found.summary).toBe('searched memory for "postgres billing": 1 item')
      expect(json(await ws.call('recall', { kind: 'fact' })).items).toEqual([])
    })
  })

  describe('files', () => {
    it('lists files and reads their text, from the record or from the bytes', async () => {
      await ws.session.files.add({ name: 'notes.md', bytes: new TextEncoder().encode('# Notes\n\nBudget approved.'), channelId: ws.general.id }, ws.ada)
      const bytes = new TextEncoder().encode('late,text\n1,2\n')
      const sha256 = await ws.session.blobs.put(bytes)
      // A text file recorded without its text (an older device): read_file extracts it from the bytes.
      addFile(ws.root, { name: 'old.csv', size: bytes.length, sha256, mimeType: 'text/csv', text: null }, ws.ada)

      const listed = await ws.call('list_files', {})
      expect(json(listed).files.map((file: { name: string }) => file.name).sort()).toEqual(['notes.md', 'old.csv'])
      expect(json(listed).files.find((file: { name: string }) => file.name === 'notes.md')).toMatchObject({ channel: '#general', readable: true, by: 'Ada (@ada)' })
      expect(listed.summary).toBe('listed 2 files')

      const notes = await ws.call('read_file', { file: 'notes.md' })
      expect(notes.content).toMatch(/^File "notes.md" \(file_\w+\), text\/markdown, \d+ B, #general\n---\n# Notes\n\nBudget approved\.$/)
      expect(notes.summary).toBe('read file "notes.md"')
      expect((await ws.call('read_file', { file: 'old.csv' })).content).toMatch(/---\nlate,text\n1,2\n$/)
    })

    it('says a binary file has no text, and a file whose bytes are missing cannot be read', async () => {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])
      await ws.session.files.add({ name: 'logo.png', bytes: png }, ws.ada)
      const binary = await ws.call('read_file', { file: 'logo.png' })
      expect(binary).toMatchObject({ isError: true, refused: null })
      expect(binary.content).toBe('logo.png is a binary file (image/png, 12 B); it has no text to read. What to do: work from its name and type, or ask a person what it holds')

      addFile(ws.root, { name: 'gone.txt', size: 5, sha256: BlobStore.sha256(new TextEncoder().encode('never stored')), mimeType: 'text/plain', text: null }, ws.ada)
      const missing = await ws.call('read_file', { file: 'gone.txt' })
      expect(missing.content).toMatch(/the bytes of gone\.txt are not on this device\. What to do: the workspace has no server/)
    })
  })

  describe('request_review', () => {
    it('puts a deliverable it touched in review with its comment', async () => {
      const context = ws.scoutContext()
      const { created } = json(await ws.call('create_document', { title: 'Q4 plan', markdown: 'Plan.' }, context))
      const outcome = await ws.call('request_review', { deliverable: created, comment: 'Check the numbers in section 2.' }, context)
      expect(outcome.summary).toBe('asked for review of "Q4 plan"')
      const deliverable = getDeliverable(ws.root, created)
      expect(deliverable.status).toBe('in-review')
      expect(deliverable.statusHistory.at(-1)).toMatchObject({ status: 'in-review', by: ws.scout.id, comment: 'Check the numbers in section 2.' })
      const again = await ws.call('request_review', { deliverable: created, comment: 'again' }, context)
      expect(json(again).note).toBe('it was already in review')
    })

    it('refuses a deliverable it did not create or change', async () => {
      const deliverableId = newId('dl')
      await ws.session.withDeliverable(deliverableId, (docs) => createDocument(docs, { deliverableId, title: 'Ada’s doc', channelId: ws.general.id }, ws.ada))
      const outcome = await ws.call('request_review', { deliverable: deliverableId, comment: 'please' })
      expect(outcome).toMatchObject({ isError: true, refused: expect.stringMatching(/you did not create or change "Ada’s doc"/) })
      expect(getDeliverable(ws.root, deliverableId).status).toBe('draft')
    })
  })

  describe('search_workspace', () => {
    it('finds messages, memory, deliverable text and file text, and follows new posts', async () => {
      await ws.post(ws.general.id, 'The flamingo launch moved to Tuesday')
      addMemory(ws.root, { kind: 'decision', text: 'Flamingo pricing stays at ten dollars' }, ws.ada)
      const { created } = json(await ws.call('create_document', { title: 'Brief', markdown: 'Flamingo is our new onboarding flow.' }))
      await ws.session.files.add({ name: 'flamingo.txt', bytes: new TextEncoder().encode('flamingo research notes'), channelId: null }, ws.ada)

      const outcome = await ws.call('search_workspace', { query: 'flamingo' })
      const results = json(outcome).results as Array<Record<string, string>>
      expect(results.map((hit) => hit.kind).sort()).toEqual(['deliverable', 'file', 'memory', 'message'])
      expect(results.find((hit) => hit.kind === 'message')).toMatchObject({ channel: '#general', author: 'Ada (@ada)', snippet: 'The flamingo launch moved to Tuesday' })
      expect(results.find((hit) => hit.kind === 'deliverable')).toMatchObject({ id: created, title: 'Brief', snippet: expect.stringContaining('onboarding') })
      expect(outcome.summary).toBe('searched for "flamingo": 4 results')

      expect(json(await ws.call('search_workspace', { query: 'pelican' })).results).toMatch(/nothing matched/)
      const posted = await ws.post(ws.general.id, 'A pelican joined the flamingo launch')
      const after = json(await ws.call('search_workspace', { query: 'pelican' })).results
      expect(after.map((hit: { id: string }) => hit.id)).toEqual([posted.id])
      const onlyMemory = json(await ws.call('search_workspace', { query: 'flamingo', kinds: ['memory'] })).results
      expect(onlyMemory.map((hit: { kind: string }) => hit.kind)).toEqual(['memory'])
    })
  })

  it('turns an unexpected failure inside a tool into an error result, and the next call still works', async () => {
    const broken = createToolRegistry(createAllTools({ searchOf: () => { throw new TypeError('index exploded') } }))
    const context = ws.scoutContext()
    const failed = await broken.execute({ name: 'search_workspace', input: { query: 'x' } }, context)
    expect(failed).toMatchObject({ isError: true, refused: null, summary: 'search_workspace failed: index exploded' })
    const next = await broken.execute({ name: 'read_channel', input: { channel: 'general' } }, context)
    expect(next.isError).toBe(false)
    const messages = await ws.session.withChannel(ws.general.id, (docs) => readMessages(docs.channel))
    expect(messages).toHaveLength(1)
  })
})
