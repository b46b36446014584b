import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { messageIndex } from '../../shared/model/messageIndex.ts'
import { readTrail } from '../../shared/model/trail.ts'
import type { TaskRecord } from '../../shared/model/types.ts'
import { createTask, listTasks, workflowSlotTaskId } from '../../shared/operations/tasks.ts'
import { createWorkflow } from '../../shared/operations/workflows.ts'
import type { ScriptedTurn } from '../fakes/messagesApi.ts'
import { seededRandom } from './helpers/devices.ts'
import { lastUserContent, startTaskWorld, type TaskDevice, type TaskWorld } from './tasks-harness.ts'

// Three devices race for the same tasks (mentions, and workflow slots fired on all three under one
// derived id) while the sync server is stopped and started at random. Over many seeds: no task is run
// to a published result twice (one reply per task in the converged docs), and none is lost (every task
// ends succeeded).

const seeds = Number(process.env.COMMONS_PROPERTY_SEEDS ?? 6)
const leaseMs = 1_500

let world: TaskWorld
let devices: TaskDevice[]
let workflowId: string

beforeAll(async () => {
  world = await startTaskWorld({
    names: ['ada', 'grace', 'linus'],
    timings: { leaseMs, syncTimeoutMs: 2_000, syncRetryMs: 100 },
    maxConcurrentRuns: 3
  })
  devices = world.devices
  const owner = devices[0]!
  workflowId = createWorkflow(owner.session.root, { name: 'Standup notes', coworkerId: world.scout.id, cron: '0 9 * * *', prompt: 'Write the standup notes', channelId: world.general, review: false }, owner.session.context).id
  await world.converge()
}, 120_000)
afterAll(async () => {
  await world?.close()
})

/** Every request gets a short streamed answer naming what it answers. */
const answer: ScriptedTurn = (request) => {
  const first = lastUserContent(request.body)
  const asked = /<request[^>]*>\n([\s\S]*?)\n<\/request>/.exec(first.text ?? '')?.[1] ?? 'something'
  return { type: 'message', content: [{ type: 'text', text: `Answer to: ${asked.slice(0, 60)}` }], chunkDelayMs: 5, textChunks: 4 }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('devices racing for tasks', () => {
  it('keeps a finished result while the server is away, and publishes it once the server is back', async () => {
    const [ada, grace] = devices as [TaskDevice, TaskDevice]
    world.fake.script({ type: 'message', content: [{ type: 'text', text: 'Finished while you were offline.' }], chunkDelayMs: 60, textChunks: 5 })
    const task = await world.ask(ada, '@scout answer through an outage')
    // The run is under way (its claim settled with the server); the server goes away before it ends.
    await expect.poll(() => ada.runner.runningTaskIds.includes(task.id) && world.fake.requests.some((request) => JSON.stringify(request.body).includes('through an outage')), { timeout: 20_000, interval: 10 }).toBe(true)
    await world.stopServer()
    await expect.poll(() => world.fake.pendingTurns, { timeout: 20_000, interval: 20 }).toBe(0)
    await delay(500)
    // Nothing is published while the claim cannot be verified.
    expect((await world.messages(ada)).filter((message) => message.taskId === task.id)).toEqual([])
    expect(ada.runner.runningTaskIds).toContain(task.id)
    await world.startServer()
    await settleAll(new Set([task.id]), 0)
    for (const device of [ada, grace]) {
      expect((await world.messages(device)).filter((message) => message.taskId === task.id).map((message) => message.text)).toEqual(['Finished while you were offline.'])
    }
  })

  it(`run each task to exactly one published reply and lose none, with the server going away at random (${seeds} seeds)`, async () => {
    const expected = new Set<string>()
    let withdrawn = 0
    for (let seed = 1; seed <= seeds; seed++) {
      const random = seededRandom(seed * 7919)
      const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
      world.fake.script(...Array.from({ length: 60 }, () => answer))

      const actions: Array<() => Promise<void>> = []
      // Mentions, each on one device.
      for (let index = 0; index < 4; index++) {
        actions.push(async () => {
          const device = pick(devices)
          const task = await world.ask(device, `@scout seed ${seed} question ${index} from ${device.name}`)
          expected.add(task.id)
        })
      }
      // Workflow slots, fired on all three devices at once under the slot's derived id.
      for (let index = 0; index < 2; index++) {
        actions.push(async () => {
          const slot = Date.UTC(2026, 0, 1) + (seed * 10 + index) * 60_000
          const ids = devices.map(
            (device) =>
              createTask(
                device.session.root,
                {
                  taskId: workflowSlotTaskId(workflowId, slot),
                  coworkerId: world.scout.id,
                  channelId: world.general,
                  trigger: { type: 'workflow', workflowId, slot, missed: false },
                  prompt: `Write the standup notes for slot ${seed}.${index}`,
                  deviceId: device.session.deviceId
                },
                device.session.context
              ).id
          )
          expect(new Set(ids).size).toBe(1)
          expected.add(ids[0]!)
        })
      }
      // The server goes away and comes back at random moments between and during the actions.
      for (let index = 0; index < 3; index++) {
        actions.push(async () => {
          if (world.serverRunning) await world.stopServer()
          else await world.startServer()
        })
      }
      actions.sort(() => random() - 0.5)
      for (const action of actions) {
        await action()
        await delay(Math.floor(random() * 250))
      }
      if (!world.serverRunning) {
        await delay(Math.floor(random() * 400))
        await world.startServer()
      }
      await settleAll(expected, seed)
    }

    // The converged docs: every task succeeded, with exactly one reply that is not withdrawn.
    await world.converge()
    for (const device of devices) {
      const tasks = new Map(listTasks(device.session.root).map((task) => [task.id, task]))
      const replies = await device.session.withChannel(world.general, (docs) => {
        const byTask = new Map<string, string[]>()
        let deleted = 0
        for (const record of messageIndex(docs.channel).byId.values()) {
          if (record.taskId === null) continue
          if (docs.channel.getMap('deletions').has(record.id)) {
            deleted++
            continue
          }
          byTask.set(record.taskId, [...(byTask.get(record.taskId) ?? []), record.id])
        }
        return { byTask, deleted }
      })
      withdrawn = Math.max(withdrawn, replies.deleted)
      for (const taskId of expected) {
        const task = tasks.get(taskId)
        expect(task?.status, `task ${taskId} on ${device.name}`).toBe('succeeded')
        expect(replies.byTask.get(taskId), `replies of ${taskId} on ${device.name}`).toHaveLength(1)
        expect(task!.result?.messageId).toBe(replies.byTask.get(taskId)![0])
      }
      // And no task (these or earlier ones) has a second reply.
      for (const [taskId, ids] of replies.byTask) expect(ids, `replies of ${taskId} on ${device.name}`).toHaveLength(1)
    }
    // Every trail ends in its run's `finished` (or the runs that lost say so).
    const trails = await devices[0]!.session.withChannel(world.general, (docs) => [...expected].map((taskId) => readTrail(docs.channel, taskId)))
    for (const trail of trails) expect(trail.some((entry) => entry.type === 'finished' && entry.messageId !== null)).toBe(true)
    if (process.env.COMMONS_TEST_RACE_STATS === '1') {
      const entries = trails.flat()
      const stats = {
        tasks: expected.size,
        runs: new Set(entries.map((entry) => entry.runId)).size,
        lostClaims: entries.filter((entry) => entry.type === 'lost-claim').length,
        takeovers: entries.filter((entry) => entry.type === 'claimed' && entry.attempt > 1).length,
        adopted: entries.filter((entry) => entry.type === 'finished' && entry.reason === 'another run had already published the reply').length,
        withdrawn
      }
      console.info('tasks race', JSON.stringify(stats))
    }
  })
})

/** Waits until every device sees every task succeeded (syncing as it goes). */
async function settleAll(expected: Set<string>, seed: number): Promise<void> {
  const deadline = Date.now() + 90_000
  for (;;) {
    await world.converge().catch(() => {})
    const open = devices.flatMap((device) =>
      [...expected].flatMap((taskId) => {
        const record = device.session.root.getMap('tasks').get(taskId) as { toJSON(): TaskRecord } | undefined
        const task = record?.toJSON()
        return task?.status === 'succeeded' ? [] : [`${device.name}:${taskId}:${task?.status ?? 'missing'}`]
      })
    )
    if (open.length === 0) return
    if (Date.now() > deadline) throw new Error(`seed ${seed}: tasks did not all succeed: ${open.join(', ')}`)
    await delay(200)
  }
}
