import type { SynclineClient } from '@syncline/client';

/** A list's presence channel, as the client hands it out. */
type Presence = ReturnType<SynclineClient['presence']>;
/** One member of a presence set (a user, counted once however many tabs they have). */
export type PresenceMember = ReturnType<Presence['members']>[number];

/** The state a page announces while one of its title fields has focus; `data.todo` names the todo. */
export const EDITING = 'editing';
/** The state a page announces while it shows the list. */
export const VIEWING = 'viewing';

const nameOf = (member: PresenceMember): string => member.name ?? member.user ?? 'someone';

/** Joins names as a sentence: `ana`, `ana and bob`, `ana, bob and cy`. */
function sentence(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/**
 * The viewers line of a list: every member, the signed-in user first and marked “(you)”,
 * the others by name; empty when nobody is known to be there yet.
 *
 * @example
 * viewersText([{ user: 'bob', state: 'viewing', data: {} }, { user: 'ana', state: 'editing', data: {} }], 'ana'); // 'Viewing: ana (you), bob'
 */
export function viewersText(members: readonly PresenceMember[], me: string): string {
  const names = members.filter((member) => member.user !== me).map(nameOf).sort();
  const mine = members.find((member) => member.user === me);
  const all = mine === undefined ? names : [`${nameOf(mine)} (you)`, ...names];
  return all.length === 0 ? '' : `Viewing: ${all.join(', ')}`;
}

/**
 * Who else is editing which todo: todo id → names, from the members whose combined state is
 * `editing` with a `todo` in their data. The signed-in user is left out (their own field shows it).
 *
 * @example
 * editorsByTodo([{ user: 'bob', state: 'editing', data: { todo: 't1' } }], 'ana'); // Map { 't1' => ['bob'] }
 */
export function editorsByTodo(members: readonly PresenceMember[], me: string): Map<string, string[]> {
  const editors = new Map<string, string[]>();
  for (const member of members) {
    const todo = member.data['todo'];
    if (member.user === me || member.state !== EDITING || typeof todo !== 'string') continue;
    editors.set(todo, [...(editors.get(todo) ?? []), nameOf(member)].sort());
  }
  return editors;
}

/**
 * The words shown beside a todo being edited by others.
 *
 * @example
 * editingText(['ana']); // 'ana is editing'
 * editingText(['ana', 'bob']); // 'ana and bob are editing'
 */
export function editingText(names: readonly string[]): string {
  return names.length === 0 ? '' : `${sentence(names)} ${names.length === 1 ? 'is' : 'are'} editing`;
}

/** What a list page needs for its presence. */
export interface ListPresenceOptions {
  readonly client: SynclineClient;
  /** The list's URI (`/lists/<id>`): viewers and editors are announced there. */
  readonly listUri: string;
  /** The signed-in username. */
  readonly user: string;
  /** The list of todos (`#todos`): each `li.todo[data-id]` gets its indicator in its `.title-slot`. */
  readonly todos: Element;
  /** The element the viewers line is placed after (the list's header). */
  readonly after: Element;
  readonly onError: (error: unknown) => void;
}

/** A list page's presence: the viewers line and the “… is editing” indicators. */
export interface ListPresence {
  /** Announces that this page edits a todo's title (`editing` with `{ todo }`), or no longer does (`viewing`). */
  editing(todoId: string | undefined): void;
  /** Puts the indicators back after the todos were rendered again. */
  apply(): void;
  /** Leaves, and removes the viewers line (the list is gone). */
  stop(): void;
}

/**
 * Announces this page on its list (`viewing`, or `editing` with the todo's id while a title
 * field has focus) and shows who else is there: “Viewing: ana (you), bob” in a polite live
 * region after the header, and “bob is editing” beside the todo bob edits. Both are plain
 * text in the DOM. One presence channel per list: a user's tabs count once, `editing` winning.
 *
 * @example
 * const presence = startListPresence({ client, listUri: '/lists/42', user: 'ana', todos, after: header, onError: console.warn });
 * presence.editing('t1'); // others see “ana is editing” beside t1
 */
export function startListPresence(options: ListPresenceOptions): ListPresence {
  const { todos, user } = options;
  const channel = options.client.presence(options.listUri);
  const line = document.createElement('p');
  line.id = 'viewers';
  line.className = 'viewers';
  line.setAttribute('aria-live', 'polite');
  line.hidden = true;
  options.after.after(line);

  let members: readonly PresenceMember[] = [];
  let stopped = false;
  const apply = (): void => {
    const editors = editorsByTodo(members, user);
    for (const row of Array.from(todos.querySelectorAll<HTMLElement>('li.todo[data-id]'))) {
      const slot = row.querySelector('.title-slot');
      if (slot === null) continue;
      const text = editingText(editors.get(row.dataset['id'] ?? '') ?? []);
      let indicator = slot.querySelector<HTMLElement>('.editing-by');
      if (indicator === null && text === '') continue;
      if (indicator === null) {
        indicator = document.createElement('span');
        indicator.className = 'editing-by';
        slot.append(indicator);
      }
      // textContent, never innerHTML: the names are user text.
      if (indicator.textContent !== text) indicator.textContent = text;
      indicator.hidden = text === '';
    }
  };
  const show = (now: readonly PresenceMember[]): void => {
    members = now;
    const text = viewersText(members, user);
    if (line.textContent !== text) line.textContent = text;
    line.hidden = text === '';
    apply();
  };

  const stopWatching = channel.subscribe(show);
  channel.join(VIEWING).catch(options.onError);
  return {
    editing(todoId) {
      if (stopped) return;
      (todoId === undefined ? channel.update(VIEWING) : channel.update(EDITING, { todo: todoId })).catch(options.onError);
    },
    apply,
    stop() {
      if (stopped) return;
      stopped = true;
      stopWatching();
      channel.leave().catch(options.onError);
      line.remove();
      members = [];
      apply();
    },
  };
}
