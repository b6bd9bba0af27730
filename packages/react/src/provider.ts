import type { SynclineClient } from '@syncline/client';
import { createContext, createElement, useContext, type ReactNode } from 'react';

const ClientContext = createContext<SynclineClient | undefined>(undefined);

export interface SynclineProviderProps {
  readonly client: SynclineClient;
  readonly children?: ReactNode;
}

/**
 * Gives the components below it a Syncline client. The provider only passes the client down:
 * nothing is opened until a hook's component mounts in a browser.
 *
 * @example
 * const client = createClient({ url: location.origin });
 * createRoot(element).render(<SynclineProvider client={client}><App /></SynclineProvider>);
 */
export function SynclineProvider({ client, children }: SynclineProviderProps): ReactNode {
  return createElement(ClientContext.Provider, { value: client }, children);
}

/** The client of the nearest {@link SynclineProvider}; throws outside one. */
export function useSynclineClient(): SynclineClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useSynclineClient: no <SynclineProvider client={…}> above this component.');
  return client;
}
