import { launchBrowser, openApp, screenshot, startDevice, startFakeModel } from '../lib/app.ts'
import { check, eventually, hasText, hidden, visible } from '../lib/expect.ts'
import { scenario } from '../lib/harness.ts'
import { seedWorkspace } from '../lib/seed.ts'
import { composer, mention, message, openChannel, restPointer } from '../lib/ui.ts'

const answer =
  'Here is the week in short: the **launch moved to Friday**, Grace owns the press list, and the checklist review is at 11. ' +
  'Two open questions remain: who signs off on pricing, and whether the beta users get a heads-up first.'

scenario('@mention a coworker: its reply streams in, the audit trail opens, and another task is stopped midway', async (context) => {
  const fake = await startFakeModel(context)
  const dataDir = context.tmp('device-ada')
  await seedWorkspace(dataDir, {
    workspace: 'Acme',
    person: 'Ada Lovelace',
    people: ['Grace Hopper', 'Alan Turing'],
    channels: [{ name: 'general', topic: 'Company-wide updates and the launch' }],
    messages: [
      { channel: 'general', author: 'Grace Hopper', text: 'The launch moved to Friday: the payment provider needs two more days.', minutesAgo: 42 },
      { channel: 'general', author: 'Alan Turing', text: 'Noted. I will update the beta users once pricing is signed off.', minutesAgo: 35 },
      { channel: 'general', author: 'Grace Hopper', text: 'I own the press list; the checklist review is at 11.', minutesAgo: 12 }
    ]
  })
  const device = await startDevice(context, { label: 'ada', dataDir })
  const browser = await launchBrowser(context)
  const page = await openApp(context, browser, device.url, { label: 'ada' })
  await visible(composer(page, 'general'))

  // Scout is made in the Coworkers view and added to #general there.
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Coworkers', exact: true }).click()
  await page.getByRole('main', { name: 'Coworkers' }).getByRole('button', { name: 'New coworker' }).first().click()
  const form = page.getByRole('dialog', { name: 'New coworker' })
  await form.getByLabel('Name').fill('Scout')
  await form.getByLabel('Purpose').fill('Research and short reports for the team')
  await form.getByRole('checkbox', { name: '#general' }).click()
  await form.getByRole('button', { name: 'Create coworker' }).click()
  await hidden(form)
  const profile = page.getByRole('main', { name: 'Coworker Scout' })
  await visible(profile)
  await hasText(profile, '#general')
  await openChannel(page, 'general')
  await visible(page.getByRole('complementary', { name: 'Members' }).getByRole('button', { name: 'Scout, AI coworker' }))

  // A tool call, then the answer streamed in small pieces with pauses, so the page can watch it grow.
  fake.script(
    { type: 'message', content: [{ type: 'text', text: 'Let me read the channel first.' }, { type: 'tool_use', name: 'read_channel', input: { channel: 'general' } }] },
    { type: 'message', content: [{ type: 'text', text: answer }], chunkDelayMs: 150, textChunks: 14 }
  )
  await mention(page, 'general', 'sc', 'Scout', 'summarise this week for us')
  await visible(message(page, 'general', '@scout summarise this week for us'))

  // The live reply: a working row whose text grows while the model streams.
  const live = page.getByRole('group', { name: 'Scout is working' })
  await visible(live)
  const lengths = new Set<number>()
  await eventually(
    async () => {
      if (await live.isVisible()) {
        const text = (await live.textContent()) ?? ''
        if (text.includes('Here is the week')) lengths.add(text.length)
      }
      return lengths.size >= 3
    },
    () => `the reply to stream in pieces (saw ${lengths.size} lengths)`
  )
  await hidden(live)
  const reply = message(page, 'general', 'Two open questions remain')
  await visible(reply)
  check((await reply.getAttribute('aria-label'))?.startsWith('Scout (coworker)'), 'the reply is Scout’s, marked as a coworker')
  await visible(reply.locator('strong', { hasText: 'launch moved to Friday' }))

  // Its audit trail, inline and in the side panel.
  await reply.getByRole('button', { name: /Show audit trail/ }).click()
  const inline = reply.getByRole('list', { name: 'Audit trail' })
  await hasText(inline, 'read_channel')
  await hasText(inline, /Model turn 2/)
  await reply.getByRole('button', { name: 'Open trail in side panel' }).click()
  const trail = page.getByRole('complementary', { name: 'Task trail' })
  await visible(trail)
  await hasText(trail, 'Finished')
  await hasText(trail.getByRole('list', { name: 'Audit trail' }), 'read_channel')
  await hasText(trail, 'Asked by Ada Lovelace')
  await restPointer(page)
  await screenshot(page, 'trail-light')

  // Another task, stopped while it streams.
  fake.script({ type: 'message', content: [{ type: 'text', text: 'Drafting the launch plan section by section. '.repeat(40) }], chunkDelayMs: 200, textChunks: 80 })
  await mention(page, 'general', 'sco', 'Scout', 'draft the full launch plan')
  await visible(live)
  await hasText(live, 'Drafting the launch plan')
  await live.getByRole('button', { name: 'Stop' }).click()
  await hidden(live)
  const stopped = message(page, 'general', 'Stopped by Ada Lovelace')
  await visible(stopped)
  check((await stopped.getAttribute('aria-label'))?.startsWith('Scout (coworker)'), 'the stopped reply is Scout’s')
  await hasText(stopped, 'Drafting the launch plan')
  check(fake.pendingTurns === 0, `every scripted turn was used (${fake.pendingTurns} left)`)
}, { timeoutMs: 90_000 })
