/** Recurring workflows: the scheduler, manual runs, run history, and the review point. */
export { WorkflowScheduler, type WorkflowSchedulerOptions } from './scheduler.ts'
export { catchUpMissedSlots, missedNoteText, type CatchUpOptions, type CaughtUp } from './missedSlots.ts'
export { runNow } from './runNow.ts'
export { workflowHistory, type WorkflowRun } from '../../../shared/operations/workflowRuns.ts'
export {
  applyReviewPolicy,
  approve,
  requestChanges,
  revisionPrompt,
  type ReviewRequest,
  type ReviewOutcome,
  type ChangesRequested,
  type ReviewServices
} from './review.ts'
export { createSlotTask, lastTaskSlots, producingTask, workflowOf, workflowTasks, type WorkflowTask, type WorkflowTrigger } from '../../../shared/operations/workflowRuns.ts'
export { formatSlot, latestSlot, minuteOf, nextSlot, slotsBetween } from './slots.ts'
export { systemTimers, type Timers } from './timers.ts'
export { actingAs, type WorkflowSession } from './workflowSession.ts'
