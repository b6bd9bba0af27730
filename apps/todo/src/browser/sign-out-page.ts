import { createClient } from '@syncline/client';
import { showNotice } from '@syncline/demo-kit/browser';
import { offlineOptions } from './offline-ui.js';
import { startSignOut } from './sign-out.js';

// The pages of the demo's other apps (the polls) keep nothing of their own in the browser,
// but the TODO app's replica of the same user does: signing out from them sends what waits
// in it and deletes it too. Over HTTP only: this client opens no live view.
const user = document.body.dataset['user'];
if (user) {
  const client = createClient({ url: location.origin, transport: 'http', offline: offlineOptions(location.origin, user), onError: (error) => console.warn('[syncline]', error) });
  startSignOut(client, showNotice);
}
