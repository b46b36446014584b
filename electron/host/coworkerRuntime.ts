import type { Logger } from '../../shared/log.ts'
import type { AgentClient } from './agent/agentClient.ts'
import type { ModelSettings } from './settings/modelSettingsTypes.ts'
import { TaskRunner } from './tasks/taskRunner.ts'
import type { ToolRegistry } from './tools/toolTypes.ts'
import { WorkflowScheduler } from './workflows/scheduler.ts'
import type { WorkspaceSession } from './workspaceSession.ts'

export interface CoworkerServices {
  agent: AgentClient
  tools: ToolRegistry
  models: ModelSettings
  log: Logger
}

/**
 * What makes coworkers work on this device for one open workspace: the task runner (claims and runs the
 * tasks this device should run) and the workflow scheduler (creates the tasks of scheduled slots). The
 * desktop app and the web host run one per open workspace; the command line starts one only for a
 * command that follows a task to its end.
 */
export class CoworkerRuntime {
  private constructor(
    readonly runner: TaskRunner,
    private readonly scheduler: WorkflowScheduler
  ) {}

  static async start(session: WorkspaceSession, services: CoworkerServices): Promise<CoworkerRuntime> {
    const runner = TaskRunner.start(session, { agent: services.agent, tools: services.tools, models: services.models, log: services.log })
    const scheduler = new WorkflowScheduler(session, {
      canRun: () => services.models.canRunCoworkers(),
      log: services.log,
      // Catch up on missed slots only after seeing what other devices already ran.
      ...(session.hasServer ? { beforeCatchUp: () => session.waitForSync(10_000).catch(() => {}) } : {})
    })
    await scheduler.start()
    return new CoworkerRuntime(runner, scheduler)
  }

  async close(): Promise<void> {
    await this.scheduler.stop()
    await this.runner.close()
  }
}
