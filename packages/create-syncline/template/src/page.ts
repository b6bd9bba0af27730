/**
 * The page's headers: only its own script runs, it talks only to its own origin (HTTP and the
 * socket), and no other site may frame it.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/**
 * The one page: a sign-in form, then the signed-in user's notes, kept live by `/app.js`
 * (src/browser/main.ts). Static: the script fills it in, so no user data is rendered here.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Notes</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
    form { display: flex; gap: .5rem; flex-wrap: wrap; margin: 1rem 0; }
    input { flex: 1; min-width: 8rem; padding: .4rem; font: inherit; }
    button { padding: .4rem .8rem; font: inherit; cursor: pointer; }
    ul { list-style: none; padding: 0; }
    li { display: flex; justify-content: space-between; align-items: center; padding: .4rem 0; border-bottom: 1px solid #ddd; }
    [hidden] { display: none !important; }
    [role=alert] { color: #b00020; }
    .muted { color: #666; }
  </style>
  <script type="module" src="/app.js"></script>
</head>
<body>
  <h1>Notes</h1>
  <p id="status" class="muted">Loading…</p>
  <form id="sign-in" hidden>
    <input name="username" autocomplete="username" placeholder="Username" required>
    <input name="password" type="password" autocomplete="current-password" placeholder="Password (8 characters or more)" required>
    <button name="action" value="sign-in">Sign in</button>
    <button name="action" value="sign-up">Sign up</button>
  </form>
  <section id="notes" hidden>
    <p>Signed in as <strong id="username"></strong> <button id="sign-out" type="button">Sign out</button></p>
    <form id="new-note">
      <input name="text" placeholder="A new note" maxlength="500" required>
      <button>Add</button>
    </form>
    <ul id="list"></ul>
    <p class="muted">Open this page in a second window: a note added in one shows in the other at once. Other users never see yours.</p>
  </section>
  <p id="error" role="alert"></p>
</body>
</html>
`;
