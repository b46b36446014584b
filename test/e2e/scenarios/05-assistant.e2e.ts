import { launchBrowser, openApp, screenshotThemes, startDevice, startFakeModel } from '../lib/app.ts'
import { check, eventually, hasText, hidden, visible } from '../lib/expect.ts'
import { scenario } from '../lib/harness.ts'
import { seedWorkspace } from '../lib/seed.ts'
import { composer, message, restPointer } from '../lib/ui.ts'

const answer =
  'From #general: the launch moved to **Friday** because the payment provider needs two more days, and Grace owns the press list. ' +
  'The one open decision is pricing sign-off, which finance expects tomorrow morning.'

scenario('private assistant: Ctrl+J from a channel, a streamed answer, shared to the channel and saved as a deliverable', async (context) => {
  const fake = await startFakeModel(context)
  const dataDir = context.tmp('device-ada')
  await seedWorkspace(dataDir, {
    workspace: 'Acme',
    person: 'Ada Lovelace',
    people: ['Grace Hopper'],
    channels: [{ name: 'general', topic: 'Company-wide updates and the launch' }],
    messages: [
      { channel: 'general', author: 'Grace Hopper', text: 'The launch moved to Friday: the payment provider needs two more days.', minutesAgo: 30 },
      { channel: 'general', author: 'Grace Hopper', text: 'I own the press list. Pricing sign-off is with finance, answer tomorrow morning.', minutesAgo: 20 }
    ]
  })
  const device = await startDevice(context, { label: 'ada', dataDir })
  const page = await openApp(context, await launchBrowser(context), device.url, { label: 'ada' })
  await visible(composer(page, 'general'))

  // Ctrl+J opens it over the channel, with the channel as context.
  await page.keyboard.press('Control+j')
  const assistant = page.getByRole('region', { name: 'Private assistant' })
  await visible(assistant)
  await visible(assistant.getByRole('group', { name: /^Context: #general/ }))
  const box = assistant.getByRole('textbox', { name: 'Message your assistant' })
  await visible(box)

  fake.script({ type: 'message', content: [{ type: 'text', text: answer }], chunkDelayMs: 120, textChunks: 10 })
  await box.fill('What did I miss in #general?')
  await box.press('Enter')
  await visible(assistant.getByRole('group', { name: 'You wrote' }).filter({ hasText: 'What did I miss in #general?' }))
  // The answer streams: it is seen being written before it is done.
  const writing = assistant.getByRole('article', { name: 'Assistant answer, being written' })
  await eventually(async () => ((await writing.textContent()) ?? '').includes('From #general'), 'the answer to show while it is being written')
  const done = assistant.getByRole('article', { name: 'Assistant answer' })
  await visible(done)
  await hasText(done, 'finance expects tomorrow morning')
  await visible(done.locator('strong', { hasText: 'Friday' }))
  // It was private: nothing reached the channel.
  check((await message(page, 'general', 'From #general').count()) === 0, 'the answer stays private until shared')
  await restPointer(page)
  await screenshotThemes(page, 'assistant')

  // Share it to #general, as Ada.
  await done.getByRole('button', { name: 'Share to channel' }).click()
  const share = page.getByRole('dialog', { name: 'Share to a channel' })
  await share.getByRole('button', { name: 'Share to #general' }).click()
  await hidden(share)
  await hasText(done.getByRole('list', { name: 'Where this answer went' }), 'Shared to #general as you')

  // Save it as a deliverable.
  await done.getByRole('button', { name: 'Save as deliverable' }).click()
  const save = page.getByRole('dialog', { name: 'Save as deliverable' })
  await save.getByLabel('Title').fill('What I missed in general')
  await save.getByRole('button', { name: 'Save deliverable' }).click()
  await hidden(save)
  await hasText(done.getByRole('list', { name: 'Where this answer went' }), 'Saved as “What I missed in general”')

  // Closed, the channel shows the shared answer, marked as coming from the assistant.
  await page.keyboard.press('Escape')
  await hidden(assistant)
  const shared = message(page, 'general', 'finance expects tomorrow morning')
  await visible(shared)
  await hasText(shared, 'shared from their assistant')
  check((await shared.getAttribute('aria-label'))?.startsWith('Ada Lovelace'), 'the shared answer is posted as Ada')

  // And the deliverable is in the workspace.
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Deliverables', exact: true }).click()
  await page.getByRole('main', { name: 'Deliverables' }).getByText('What I missed in general').click()
  const opened = page.getByRole('main', { name: 'What I missed in general' })
  await hasText(opened, 'finance expects tomorrow morning')
  check(fake.pendingTurns === 0, 'the scripted answer was used')
}, { timeoutMs: 90_000 })
