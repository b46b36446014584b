/** Window events between parts of the shell that do not share a parent close by. */

/** Open a member's details in the channel's right pane (detail: the member id). */
export const openMemberEvent = 'commons:open-member'
