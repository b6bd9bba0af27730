/** The title buttons the views render (`data-edit-title` holds the todo's id). */
const TITLE_BUTTON = 'button[data-edit-title]';
/** The longest title the todos' schema accepts. */
const MAX_TITLE = 500;

/** What the in-place title editor acts on. */
export interface TitleEditorOptions {
  /** The list of todos (`#todos`), rendered by {@link TitleEditor.render}. */
  readonly container: Element;
  /** Saves a new title (optimistic, through the client); a rejection is handed to `onError`. */
  readonly save: (todoId: string, title: string) => Promise<unknown>;
  /** Told when a title field opens (the todo's id) and when it closes (`undefined`): presence follows it. */
  readonly onEditing?: (todoId: string | undefined) => void;
  /** Called after every render, to put back what is added to the rows (the presence indicators). */
  readonly afterRender?: () => void;
  readonly onError: (error: unknown) => void;
}

/** The in-place title editor of a list page, and the renderer of its todos. */
export interface TitleEditor {
  /** Replaces the todos' markup, keeping an open title field (its element, focus, text and caret). */
  render(markup: string): void;
  /** The id of the todo whose title field is open, if any. */
  editing(): string | undefined;
}

interface OpenField {
  readonly todoId: string;
  readonly field: HTMLInputElement;
  /** The title when the field opened: saving it unchanged sends nothing. */
  readonly original: string;
}

/** The markup each row was rendered from (indicators and an open field change the DOM, not this). */
const rendered = new WeakMap<Element, string>();

const rowIn = (parent: ParentNode, todoId: string): HTMLElement | undefined =>
  Array.from(parent.querySelectorAll<HTMLElement>('li.todo[data-id]')).find((row) => row.dataset['id'] === todoId);

/** Parses the todos' markup, remembering each row's own markup. */
function parseRows(markup: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = markup;
  for (const row of Array.from(template.content.querySelectorAll('li.todo[data-id]'))) rendered.set(row, row.outerHTML);
  return template.content;
}

/**
 * Makes `parent`'s children `desired` (some of them already its children), moving as few as
 * it can: a node already in order stays attached, and `pinned` is never detached at all. A
 * detached element loses the focus (Chromium then fires `blur`) and the click being made on it.
 */
function placeChildren(parent: Element, desired: readonly Node[], pinned?: Node): void {
  const wanted = new Set(desired);
  for (const child of Array.from(parent.childNodes)) if (!wanted.has(child)) child.remove();
  const place = (nodes: readonly Node[], start: Node | null): void => {
    let cursor = start;
    for (const node of nodes) {
      if (node === cursor) cursor = cursor.nextSibling;
      else parent.insertBefore(node, cursor);
    }
  };
  const at = pinned === undefined ? -1 : desired.indexOf(pinned);
  if (pinned === undefined || at === -1) return place(desired, parent.firstChild);
  place(desired.slice(0, at), parent.firstChild);
  place(desired.slice(at + 1), pinned.nextSibling);
}

/** Gives `row` the attributes of `fresh` (its `done` class, its id). */
function copyAttributes(row: Element, fresh: Element): void {
  for (const name of row.getAttributeNames()) if (!fresh.hasAttribute(name)) row.removeAttribute(name);
  for (const { name, value } of Array.from(fresh.attributes)) if (row.getAttribute(name) !== value) row.setAttribute(name, value);
}

/** Puts the focus back on the element with the id `previous` had, with the text being typed and the caret. */
function refocus(previous: HTMLElement): void {
  const again = previous.id === '' ? null : document.getElementById(previous.id);
  if (again === null || again === previous) return;
  again.focus();
  if (previous instanceof HTMLInputElement && again instanceof HTMLInputElement && previous.type !== 'checkbox') {
    again.value = previous.value;
    again.setSelectionRange(previous.selectionStart, previous.selectionEnd);
  }
}

/**
 * Edits a todo's title in place: activating its title (a button: click, Enter or Space)
 * turns it into a text field labelled “Title”; Enter or leaving the field saves, Escape
 * cancels. It also renders the list on every live change, row by row: a row whose markup
 * did not change is kept as it is, and the row holding the focus (an open title field, a
 * checkbox just clicked) is never detached, only what is around and inside it. So a change
 * from another browser neither closes the field nor eats a click that made it save.
 *
 * @example
 * const editor = createTitleEditor({ container, save: (id, title) => todos.patch(id, { title }), onError: showError });
 * view.subscribe(() => editor.render(renderTodoItems(view.getSnapshot(), viewer).value));
 */
export function createTitleEditor(options: TitleEditorOptions): TitleEditor {
  const { container } = options;
  for (const row of Array.from(container.querySelectorAll('li.todo[data-id]'))) rendered.set(row, row.outerHTML);
  // The server's markup, until the first live render: an edit started before it can be put back.
  let lastMarkup = container.innerHTML;
  let open: OpenField | undefined;

  /** Forgets the open field without saving or rendering (its row is gone). */
  const drop = (): void => {
    if (open === undefined) return;
    open = undefined;
    options.onEditing?.(undefined);
  };

  /** Shows the title button again in place of the field, as the last markup has it. */
  const restoreTitle = (current: OpenField): void => {
    const slot = current.field.closest('.title-slot');
    const fresh = rowIn(parseRows(lastMarkup), current.todoId)?.querySelector('.title-slot');
    if (slot === null || fresh == null || !current.field.isConnected) return;
    slot.replaceWith(fresh);
    options.afterRender?.();
  };

  /** Closes the field: saves a changed title when asked (an emptied one is not saved), and shows the title again. */
  const close = (save: boolean, refocusTitle: boolean): void => {
    const current = open;
    if (current === undefined) return;
    // First, so the `blur` of the field removed below, or a render caused by the save, sees it closed.
    open = undefined;
    const title = current.field.value.trim();
    if (save && title !== '' && title !== current.original) options.save(current.todoId, title).catch(options.onError);
    options.onEditing?.(undefined);
    restoreTitle(current);
    if (refocusTitle) rowIn(container, current.todoId)?.querySelector<HTMLElement>(TITLE_BUTTON)?.focus();
  };

  const openField = (button: HTMLButtonElement): void => {
    const todoId = button.dataset['editTitle'];
    if (todoId === undefined) return;
    close(true, false);
    const field = document.createElement('input');
    field.type = 'text';
    field.className = 'title-field';
    field.id = `editing-${todoId}`;
    field.setAttribute('aria-label', 'Title');
    field.autocomplete = 'off';
    field.maxLength = MAX_TITLE;
    field.value = button.textContent ?? '';
    open = { todoId, field, original: field.value };
    field.addEventListener('keydown', (event) => {
      if (open?.field !== field || (event.key !== 'Enter' && event.key !== 'Escape')) return;
      event.preventDefault();
      close(event.key === 'Enter', true);
    });
    field.addEventListener('blur', () => {
      if (open?.field === field) close(true, false);
    });
    button.replaceWith(field);
    field.focus();
    field.select();
    options.onEditing?.(todoId);
  };

  container.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>(TITLE_BUTTON) : null;
    if (button !== null && container.contains(button)) openField(button);
  });

  /** Renders the open field's row from `fresh`, keeping its title slot (and the field in it) attached. */
  const renderAroundField = (row: HTMLElement, fresh: HTMLElement): void => {
    const slot = open?.field.closest('.title-slot');
    const freshSlot = fresh.querySelector('.title-slot');
    if (slot == null || freshSlot === null) return;
    placeChildren(row, Array.from(fresh.childNodes, (node) => (node === freshSlot ? slot : node)), slot);
    copyAttributes(row, fresh);
    rendered.set(row, rendered.get(fresh) ?? '');
  };

  return {
    render(markup) {
      if (open !== undefined && !open.field.isConnected) drop();
      if (markup === lastMarkup) return;
      lastMarkup = markup;
      const fragment = parseRows(markup);
      const active = document.activeElement;
      const focused = open?.field ?? (active instanceof HTMLElement && container.contains(active) ? active : undefined);
      const openRow = open?.field.closest<HTMLElement>('li.todo[data-id]') ?? undefined;
      let pinned: HTMLElement | undefined;
      // A row whose markup did not change stays as it is; the open field's row stays too, its parts around the field rendered anew.
      const desired = Array.from(fragment.childNodes, (node) => {
        if (!(node instanceof HTMLElement) || !node.matches('li.todo[data-id]')) return node;
        const existing = rowIn(container, node.dataset['id'] ?? '');
        if (existing === undefined) return node;
        if (existing === openRow) {
          renderAroundField(existing, node);
        } else if (rendered.get(existing) !== rendered.get(node)) {
          return node;
        }
        if (focused !== undefined && existing.contains(focused)) pinned = existing;
        return existing;
      });
      // The todo being edited is gone (deleted elsewhere): there is nothing to save it to.
      if (openRow !== undefined && !desired.includes(openRow)) drop();
      placeChildren(container, desired, pinned);
      if (focused !== undefined && !focused.isConnected) refocus(focused);
      options.afterRender?.();
    },
    editing: () => open?.todoId,
  };
}
