export {
  WorkspaceSync,
  SyncAccessDeniedError,
  SyncTimeoutError,
  type SyncStatus,
  type WorkspaceSyncOptions,
  type WaitForAgreementOptions
} from './workspaceSync.ts'
export { uploadBlob, downloadBlob, hasBlob, sha256Hex } from './blobClient.ts'
export {
  registerWorkspace,
  createInvite,
  joinWithInvite,
  listTokens,
  revokeToken,
  type RegisteredWorkspace,
  type Invite,
  type JoinedWorkspace,
  type TokenInfo,
  type RevokedToken,
  type RegisterWorkspaceInput,
  type InviteOptions
} from './serverApi.ts'
export { SyncServerError } from './httpError.ts'
export { normalizeServerUrl, syncSocketBase } from './serverUrl.ts'
