import { launchBrowser, openApp, screenshot, startDevice, startSync } from '../lib/app.ts'
import { eventually, hasText, visible } from '../lib/expect.ts'
import { scenario } from '../lib/harness.ts'
import { composer, createChannel, createWorkspaceFirstRun, joinWorkspaceFirstRun, message, post, syncStatus } from '../lib/ui.ts'

scenario('two devices through one sync server: live messages and typing, offline work, convergence after the server returns', async (context) => {
  const sync = await startSync(context)
  const adaDevice = await startDevice(context, { label: 'ada' })
  const graceDevice = await startDevice(context, { label: 'grace' })
  // Two browsers, as on two machines.
  const ada = await openApp(context, await launchBrowser(context), adaDevice.url, { label: 'ada' })
  const grace = await openApp(context, await launchBrowser(context), graceDevice.url, { label: 'grace' })

  // Ada creates the workspace on the server and invites Grace.
  await createWorkspaceFirstRun(ada, { workspace: 'Acme', person: 'Ada Lovelace', serverUrl: sync.url })
  await createChannel(ada, 'general')
  await hasText(syncStatus(ada), 'Synced')
  await ada.getByRole('button', { name: 'Workspace Acme, switch workspace' }).click()
  await ada.getByRole('menuitem', { name: 'Invite people…' }).click()
  const inviteDialog = ada.getByRole('dialog', { name: 'Invite people to Acme' })
  const inviteField = inviteDialog.getByRole('textbox', { name: 'Invite' })
  await visible(inviteField)
  const invite = await eventually(async () => (await inviteField.inputValue()).trim(), 'an invite to be minted')
  await ada.keyboard.press('Escape')

  // Grace joins with it and joins #general.
  await joinWorkspaceFirstRun(grace, { invite, person: 'Grace Hopper' })
  await grace.getByRole('button', { name: /^Browse channels/ }).click()
  await grace.getByRole('dialog', { name: 'Browse channels' }).getByRole('button', { name: 'Join #general' }).click()
  await visible(composer(grace, 'general'))

  // Live: each sees the other's messages, and who is typing.
  await post(ada, 'general', 'Hello Grace, welcome to Acme.')
  await visible(message(grace, 'general', 'Hello Grace, welcome to Acme.'))
  await post(grace, 'general', 'Thanks Ada! Glad to be here.')
  await visible(message(ada, 'general', 'Thanks Ada! Glad to be here.'))
  await composer(ada, 'general').pressSequentially('Let me find the chec')
  await visible(grace.getByText('Ada Lovelace is typing…'))
  await composer(grace, 'general').pressSequentially('One se')
  await visible(ada.getByText('Grace Hopper is typing…'))
  await composer(ada, 'general').fill('')
  await composer(grace, 'general').fill('')
  await hasText(syncStatus(ada), 'Synced')
  await hasText(syncStatus(grace), 'Synced')

  // The server goes away: both say so, and both keep working.
  await sync.stop()
  await visible(ada.getByRole('status', { name: 'Sync status: Offline' }))
  await visible(grace.getByRole('status', { name: 'Sync status: Offline' }))
  await post(ada, 'general', 'Written by Ada while offline.')
  await post(grace, 'general', 'Written by Grace while offline.')
  await screenshot(grace, 'offline-light')

  // It comes back on the same port: both reconnect and converge.
  await sync.start()
  await visible(ada.getByRole('status', { name: 'Sync status: Synced' }), 30_000)
  await visible(grace.getByRole('status', { name: 'Sync status: Synced' }), 30_000)
  await visible(message(ada, 'general', 'Written by Grace while offline.'), 30_000)
  await visible(message(grace, 'general', 'Written by Ada while offline.'), 30_000)
  const order = async (page: typeof ada) => (await page.getByRole('list', { name: 'Messages in #general' }).getByRole('article').allTextContents()).map((text) => text.replace(/\d{1,2}:\d{2}\s?[AP]M/g, '')).join('|')
  await eventually(async () => (await order(ada)) === (await order(grace)), 'both devices to show the same messages in the same order')
}, { timeoutMs: 120_000 })
