import { copyFileSync } from 'node:fs'
import path from 'node:path'
import { launchBrowser, openApp, screenshot, screenshotThemes, startDevice, startFakeModel, startSync } from '../lib/app.ts'
import { hasText, hidden, visible } from '../lib/expect.ts'
import { scenario } from '../lib/harness.ts'
import { repoRoot, screenshotsDir } from '../lib/paths.ts'
import { seedWorkspace } from '../lib/seed.ts'
import { composer, mention, message, openChannel, restPointer } from '../lib/ui.ts'

/**
 * Every main view, in light and dark, of a workspace with some life in it: people, a coworker that has
 * answered with a tool call and a document, a thread. Also the README's picture (docs/screenshot.png, with
 * --update-docs-screenshot).
 */
scenario('views in light and dark: channel with a coworker reply, thread, trail, member, quick switcher, settings, every section', async (context) => {
  const fake = await startFakeModel(context)
  const sync = await startSync(context)
  const dataDir = context.tmp('device-ada')
  await seedWorkspace(dataDir, {
    workspace: 'Acme',
    person: 'Ada Lovelace',
    serverUrl: sync.url,
    people: ['Grace Hopper', 'Alan Turing', 'Katherine Johnson'],
    channels: [
      { name: 'general', topic: 'Company-wide updates and the launch' },
      { name: 'design', topic: 'Mockups, reviews and the design system' },
      { name: 'random' }
    ],
    coworkers: [
      { name: 'Scout', purpose: 'Research and short reports for the team', toolset: ['read_channel', 'search_workspace', 'create_document'], channels: ['general', 'design'] },
      { name: 'Ledger', purpose: 'Keeps the launch tracker and the budget up to date', toolset: ['read_channel', 'create_tracker', 'add_tracker_rows'], channels: ['general'] }
    ],
    messages: [
      {
        channel: 'general',
        author: 'Grace Hopper',
        text: 'The launch moved to **Friday**: the payment provider needs two more days to certify the new checkout.',
        minutesAgo: 48,
        replies: [
          { author: 'Alan Turing', text: 'Does that move the beta email too?', minutesAgo: 44 },
          { author: 'Grace Hopper', text: 'Yes, to Thursday afternoon. I will update the checklist.', minutesAgo: 41 }
        ]
      },
      { channel: 'general', author: 'Katherine Johnson', text: 'Pricing sign-off is with finance; I expect an answer tomorrow morning.', minutesAgo: 30 },
      { channel: 'general', author: 'Grace Hopper', text: 'I own the press list, and the checklist review is at 11.', minutesAgo: 14 },
      { channel: 'design', author: 'Alan Turing', text: 'New onboarding mockups are up for review.', minutesAgo: 90 }
    ],
    memory: [
      { kind: 'decision', text: 'The launch is on Friday; the beta email goes out on Thursday afternoon.', pinned: true },
      { kind: 'fact', text: 'The payment provider certifies a new checkout in two working days.' },
      { kind: 'preference', text: 'Weekly reports are short: five bullets, links to the documents, no tables.' }
    ],
    workflows: [{ name: 'Weekly launch report', coworker: 'Scout', channel: 'general', cron: '0 9 * * 1', prompt: 'Summarise the week in #general: decisions, open questions and owners.' }]
  })
  const device = await startDevice(context, { label: 'ada', dataDir })
  const page = await openApp(context, await launchBrowser(context), device.url, { label: 'ada' })
  await openChannel(page, 'general')
  await visible(page.getByRole('status', { name: 'Sync status: Synced' }))

  // Scout answers a request: reads the channel, writes a document, replies.
  fake.script(
    { type: 'message', content: [{ type: 'tool_use', name: 'read_channel', input: { channel: 'general' } }] },
    {
      type: 'message',
      content: [{ type: 'tool_use', name: 'create_document', input: { title: 'Launch week summary', markdown: '# Launch week summary\n\n- Launch on **Friday**\n- Beta email on Thursday\n- Pricing sign-off pending' } }]
    },
    {
      type: 'message',
      content: [
        {
          type: 'text',
          text: 'Here is where the launch stands:\n\n- **Launch on Friday**, after the payment provider certifies the new checkout\n- The beta email goes out **Thursday afternoon**\n- Pricing sign-off is with finance, expected tomorrow\n\nI put the details in the summary below.'
        }
      ]
    }
  )
  await mention(page, 'general', 'sc', 'Scout', 'where does the launch stand?')
  const reply = message(page, 'general', 'Here is where the launch stands')
  await visible(reply, 30_000)
  await visible(reply.getByRole('link', { name: /Open document Launch week summary/ }))

  // The README's picture: the reply with its audit trail open, the members pane beside it.
  await reply.getByRole('button', { name: /Show audit trail/ }).click()
  await hasText(reply.getByRole('list', { name: 'Audit trail' }), 'create_document')
  const members = page.getByRole('complementary', { name: 'Members' })
  await visible(members.getByRole('button', { name: 'Scout, AI coworker' }))
  await restPointer(page)
  await screenshotThemes(page, 'channel')
  // The README's picture is committed: rewritten only when asked (node test/e2e/run.mjs --update-docs-screenshot).
  if (process.env['COMMONS_E2E_UPDATE_DOCS_SCREENSHOT'] === '1') copyFileSync(path.join(screenshotsDir, 'e2e-channel-light.png'), path.join(repoRoot, 'docs', 'screenshot.png'))

  // A thread.
  const launch = message(page, 'general', 'The launch moved to Friday')
  await launch.getByRole('button', { name: 'View thread, 2 replies' }).click()
  const thread = page.getByRole('complementary', { name: 'Thread' })
  await visible(thread.getByRole('article').filter({ hasText: 'Thursday afternoon' }))
  await restPointer(page)
  await screenshotThemes(page, 'thread')

  // The trail in the side panel.
  await reply.getByRole('button', { name: 'Open trail in side panel' }).click()
  const trail = page.getByRole('complementary', { name: 'Task trail' })
  await hasText(trail, 'Finished')
  await restPointer(page)
  await screenshotThemes(page, 'trail')

  // A coworker's profile, from the members pane.
  await trail.getByRole('button', { name: 'Close task trail' }).click()
  await members.getByRole('button', { name: 'Scout, AI coworker' }).click()
  const profile = page.getByRole('complementary', { name: 'Member' })
  await hasText(profile, 'Research and short reports for the team')
  await hasText(profile, 'create_document')
  await restPointer(page)
  await screenshotThemes(page, 'member')

  // The quick switcher: Ctrl+K, type, Enter.
  await page.keyboard.press('Control+k')
  const jump = page.getByRole('combobox', { name: 'Jump to' })
  await visible(jump)
  await jump.fill('des')
  await visible(page.getByRole('option', { name: /design/ }))
  await screenshotThemes(page, 'quick-switcher')
  await jump.press('Enter')
  await hidden(jump)
  await visible(composer(page, 'design'))
  await visible(message(page, 'design', 'New onboarding mockups'))

  // Settings.
  await page.getByRole('button', { name: 'Settings' }).click()
  const settings = page.getByRole('main', { name: 'Settings' })
  await visible(settings.getByRole('heading', { name: 'Model' }))
  await restPointer(page)
  await screenshotThemes(page, 'settings')

  // The workspace's sections, as they are today.
  const sidebar = page.getByRole('navigation', { name: 'Workspace' })
  for (const section of ['Deliverables', 'Files', 'Memory', 'Coworkers', 'Workflows']) {
    await sidebar.getByRole('link', { name: section, exact: true }).click()
    await visible(page.getByRole('main', { name: section }))
    await restPointer(page)
    await screenshotThemes(page, section.toLowerCase())
  }
  // A coworker's page, with the task it ran.
  await sidebar.getByRole('link', { name: 'Coworkers', exact: true }).click()
  await page.getByRole('main', { name: 'Coworkers' }).getByRole('link', { name: 'Scout, AI coworker' }).click()
  await visible(page.getByRole('main', { name: 'Coworker Scout' }))
  await restPointer(page)
  await screenshotThemes(page, 'coworker')
  await screenshot(page, 'last-view')
}, { timeoutMs: 90_000 })
