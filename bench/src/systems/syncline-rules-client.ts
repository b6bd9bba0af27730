import type { ConnectClient } from '../common.js';
import { createConnectClient } from './syncline-client.js';
import { userName } from './syncline-rules-users.js';

let connected = 0;

/** The Syncline client, each connection signed in as the next of the rules scenario's users (round robin). */
export const connectClient: ConnectClient = createConnectClient(() => ({ 'x-bench-user': userName(connected++) }));
