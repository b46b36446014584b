export { DocStore, type BoundDoc, type DocStoreOptions, type OpenDocStoreOptions } from './docStore.ts'
export { StoreWriteError, DataDirectoryInUseError } from './errors.ts'
export { openLevelDatabase, type DocDatabase, type DocOperation } from './database.ts'
