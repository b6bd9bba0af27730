/**
 * Replaces an element's markup when it changed (a live render of unchanged data touches nothing).
 *
 * @example
 * patchHtml(document.getElementById('results')!, renderResults(poll).value);
 */
export function patchHtml(container: Element, markup: string): void {
  if (container.innerHTML !== markup) container.innerHTML = markup;
}
