/**
 * Replaces a container's markup with freshly rendered markup, unless it is unchanged, and
 * keeps the user's place: the focused field (found again by id) gets back its focus, the
 * text being typed and the caret, so a change from another browser never eats keystrokes.
 *
 * @example
 * patchHtml(document.getElementById('todos')!, renderTodoItems(todos).value);
 */
export function patchHtml(container: Element, markup: string): void {
  if (container.innerHTML === markup) return;
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && active.id !== '' && container.contains(active) ? active : undefined;
  const typing = focused instanceof HTMLInputElement && focused.type !== 'checkbox' ? focused : undefined;
  const saved = typing && { value: typing.value, start: typing.selectionStart, end: typing.selectionEnd };
  container.innerHTML = markup;
  if (focused === undefined) return;
  const again = document.getElementById(focused.id);
  if (again === null) return;
  again.focus();
  if (saved && again instanceof HTMLInputElement) {
    again.value = saved.value;
    again.setSelectionRange(saved.start, saved.end);
  }
}
