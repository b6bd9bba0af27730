// What both runtime smoke scripts share: the runtime's name, the one-line check, and a reader
// that waits for text on an event stream's body.

export const runtime = 'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node';

/** Prints one line for the check; exits 1 on the first that fails. */
export function check(what: string, ok: boolean, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${runtime}: ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) process.exit(1);
}

/** Reads an event stream's body: `until(needle)` waits until the text read so far contains it. */
export function streamText(body: ReadableStream<Uint8Array>): { until(needle: string): Promise<void>; text(): string; cancel(): Promise<void> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    async until(needle) {
      while (!text.includes(needle)) {
        const { done, value } = await reader.read();
        if (done) throw new Error('the stream ended');
        text += decoder.decode(value, { stream: true });
      }
    },
    text: () => text,
    cancel: () => reader.cancel(),
  };
}
