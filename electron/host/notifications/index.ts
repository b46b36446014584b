export { NotificationFeed, type NotificationFeedOptions, type SessionSource } from './notificationFeed.ts'
export { clip, decideDeliverable, decideMessage, decideTask, type Decision, type DecisionContext, type NotificationPayload } from './decisions.ts'
