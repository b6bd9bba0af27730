import { mergeAgainstDelete, type HeldConflict, type SynclineClient } from '@syncline/client';

type Json = Record<string, unknown>;

/** What the prompt says about a held conflict, and what "keep yours" writes. */
export interface ConflictChoices {
  /** `“Milk” was changed elsewhere: keep yours (“Oat milk”) or theirs (“Soy milk”)?` */
  readonly message: string;
  /** The server's version with this browser's values on the fields changed on both sides (null: the local delete). */
  readonly yours: Json | null;
}

const quoted = (value: unknown): string => (typeof value === 'string' ? `“${value}”` : value === undefined ? 'nothing' : JSON.stringify(value));

/** The conflicting fields' values on one side: `“Oat milk”`, `title “Oat milk”, done true`; `edited` or `deleted` for an edit against a delete. */
function side(record: Json | null, fields: readonly string[]): string {
  if (record === null) return 'deleted';
  if (fields.length === 1 && fields[0] === 'title') return quoted(record['title']);
  if (fields.length === 0) return 'edited';
  return fields.map((field) => `${field} ${quoted(record[field])}`).join(', ');
}

/**
 * The prompt for a held conflict (docs/client.md, "Offline"): its sentence, and the record
 * "keep yours" resolves with: what merged cleanly (the other side's changes to other fields
 * stay) with this browser's values on the fields both sides changed; for an edit against a
 * delete, the local record (written again); for a local delete, null. The conflict's
 * `fields` are paths joined with `.`; the todo app's are top-level.
 *
 * @example
 * describeConflict(held).message; // '“Call Ann” was changed elsewhere: keep yours (“Call Bob”) or theirs (“Call Ann at 5”)?'
 */
export function describeConflict(held: Pick<HeldConflict, 'base' | 'local' | 'server' | 'fields'>): ConflictChoices {
  const fields = [...new Set(held.fields.map((path) => path.split('.')[0] ?? path))];
  const known = held.base ?? held.local ?? held.server;
  const title = typeof known?.['title'] === 'string' ? quoted(known['title']) : 'This item';
  const message = `${title} was changed elsewhere: keep yours (${side(held.local, fields)}) or theirs (${side(held.server, fields)})?`;
  const merged = mergeAgainstDelete(held.base, held.local, held.server).merged;
  if (held.local === null || merged === null) return { message, yours: held.local };
  const yours: Json = { ...merged };
  for (const field of fields) {
    if (Object.hasOwn(held.local, field)) yours[field] = held.local[field];
    else delete yours[field];
  }
  return { message, yours };
}

/**
 * Asks the user about every conflict the client holds (a field both this browser and
 * another changed): one modal dialog at a time, named by its sentence, with "Keep yours"
 * and "Keep theirs", which call `client.resolve`. Conflicts held by an earlier page show
 * once the replica is loaded. `onNotice` gets a line for the page's alert region.
 *
 * @example
 * startConflictPrompt(client, showNotice);
 */
export function startConflictPrompt(client: SynclineClient, onNotice: (message: string) => void): void {
  let queued: string[] = [];
  /** The URI whose dialog is open. */
  let asking: string | undefined;
  const next = (): void => {
    if (asking !== undefined) return;
    const uri = queued.shift();
    if (uri === undefined) return;
    const held = client.conflicts().find((conflict) => conflict.uri === uri);
    // Resolved meanwhile (in another tab): nothing to ask.
    if (held === undefined) return next();
    asking = uri;
    ask(held, (choice) => {
      // Announced again while its dialog was open: this answer settles it.
      queued = queued.filter((other) => other !== uri);
      const still = choice !== undefined && client.conflicts().some((conflict) => conflict.uri === uri);
      if (still) client.resolve(uri, choice).catch((error: unknown) => onNotice(`Your choice was not saved: ${error instanceof Error ? error.message : String(error)}`));
      asking = undefined;
      next();
    });
  };
  const enqueue = (uri: string): void => {
    if (uri !== asking && !queued.includes(uri)) queued.push(uri);
    next();
  };
  client.on('conflict', (conflict) => {
    const server = conflict.server as { title?: unknown } | null;
    const local = conflict.local as { title?: unknown } | null;
    const title = server?.title ?? local?.title;
    const name = typeof title === 'string' ? `“${title}”` : 'This item';
    onNotice(`${name} ${server === null ? 'was deleted' : 'was changed'} by someone else meanwhile: choose which version to keep.`);
    enqueue(conflict.uri);
  });
  client.ready.then(() => client.conflicts().forEach((held) => enqueue(held.uri)), () => {});
}

let dialogs = 0;

/**
 * Shows the dialog for one conflict; `choose` gets the user's choice once, and the dialog
 * goes. Dismissed without a choice (the browser may close a modal dialog on a repeated
 * Escape), it gets undefined: the conflict stays held, and the next page asks again.
 */
function ask(held: HeldConflict, choose: (choice: Json | null | 'server' | undefined) => void): void {
  let chosen = false;
  const { message, yours } = describeConflict(held);
  const id = `conflict-message-${++dialogs}`;
  const dialog = document.createElement('dialog');
  dialog.className = 'conflict';
  dialog.setAttribute('aria-labelledby', id);
  const text = document.createElement('p');
  text.id = id;
  // textContent, never innerHTML: the titles are user text.
  text.textContent = message;
  const button = (label: string, choice: Json | null | 'server'): HTMLButtonElement => {
    const element = document.createElement('button');
    element.type = 'button';
    element.textContent = label;
    element.addEventListener('click', () => {
      chosen = true;
      dialog.close();
      choose(choice);
    });
    return element;
  };
  const actions = document.createElement('div');
  actions.className = 'conflict-actions';
  actions.append(button('Keep yours', yours), button('Keep theirs', 'server'));
  dialog.append(text, actions);
  // Escape would close it without a choice: a choice is asked for.
  dialog.addEventListener('cancel', (event) => event.preventDefault());
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (!chosen) choose(undefined);
  });
  document.body.append(dialog);
  dialog.showModal();
}
