import { createClient } from '@syncline/client';
import { SynclineProvider } from '@syncline/react';
import { StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { App } from './app.js';

// The page arrives server-rendered in its loading state; hydrating it goes live.
const client = createClient({ url: location.origin });
const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
hydrateRoot(
  root,
  <StrictMode>
    <SynclineProvider client={client}>
      <App />
    </SynclineProvider>
  </StrictMode>,
);
