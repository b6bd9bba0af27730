/**
 * `@syncline/client`: a connection with backoff and resume, requests multiplexed by id
 * (or over HTTP), a replica store keyed by URI, live records and queries, optimistic
 * writes and conflicts. See docs/protocol.md for the wire it speaks.
 *
 * @example
 * import { createClient } from '@syncline/client';
 * const client = createClient({ url: 'http://localhost:3000' });
 * const open = client.resource(todos).liveQuery({ where: { list: listId, done: false }, order: 'order' });
 * open.subscribe(() => render(open.getSnapshot()));
 */
export { createClient, type ClientOptions, type ClientEvents, type SynclineClient } from './client.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export type { AuthListener, AuthSession, ClientAuth } from './auth/client-auth.js';
export type { SessionUser } from '@syncline/protocol';
export { backoffDelay, describeState, type BackoffOptions, type ConnectionState, type ConnectionStateListener } from './connection/connection-state.js';
export { sameState } from './connection/client-state.js';
export { createConnection, type Connection, type ConnectionOptions } from './connection/connection.js';
export type { SocketConstructor, SocketLike } from './connection/socket-like.js';
export { createRequestTracker, type RequestTracker, type RequestTrackerOptions, type ResponseHandler } from './requests/request-tracker.js';
export { createHttpTransport, type HttpTransportOptions } from './requests/http-transport.js';
export type { IncomingResponse, OutgoingRequest, Transport } from './requests/transport.js';
export { createSubscriptions, type OpenOptions, type Subscription, type SubscriptionHandlers, type Subscriptions } from './subscriptions/subscriptions.js';
export { createStreamSubscriptions, type StreamSubscriptions, type StreamSubscriptionsOptions } from './sse/stream-subscriptions.js';
export { createSseParser, type SseEvent, type SseParser } from './sse/sse-parser.js';
export { createReplicaStore, type ReplicaEntry, type ReplicaStore, type StoreListener } from './store/replica-store.js';
export type { LiveView } from './live/live-view.js';
export type { Presence, PresenceChange, PresenceListener } from './presence/presence-channel.js';
export { ConflictError } from './resource/conflict-error.js';
export { queryString, type ListQuery, type MergePatchOf, type Page, type ResourceClient, type WriteOptions } from './resource/resource-client.js';
export type { ConflictChoice, OfflineOptions } from './offline/offline-replica.js';
export type { ConflictPolicy, ConflictPolicyName, ConflictResolution, HeldConflict, PendingWrite, PersistedState, PersistenceBatch, ReconcileOutcome, ReplicaPersistence } from './offline/offline-types.js';
export type { OutboxView } from './offline/outbox.js';
export { UnsentWritesError, type DestroyOptions } from './offline/replica-destroy.js';
export type { WriteRejection } from './offline/replica-core.js';
export type { ChannelLike, LockManagerLike, TabCoordination } from './offline/tabs.js';
export { memoryPersistence } from './offline/memory-persistence.js';
export { indexedDbPersistence, requestPersistentStorage, type IndexedDbPersistenceOptions } from './offline/indexeddb-persistence.js';
export { mergeAgainstDelete, SYSTEM_FIELDS, threeWayMerge, type RecordMergeResult, type ThreeWayMergeResult } from './offline/three-way-merge.js';
export { classify, etagsMatch, type ReconcileInput } from './offline/reconcile-table.js';
export { resolveConflict, type PolicyConflict, type PolicyOutcome } from './offline/conflict-policy.js';
