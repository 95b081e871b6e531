// A fetch wrapper that keeps reading the response body under the request's deadline.

/**
 * The SDK's timeout stops once headers arrive, so a server that sends headers and then stalls would
 * hang forever. Reading the (small, non-streamed) body under the same deadline closes that gap; the
 * abort surfaces as a timeout, which the SDK retries.
 */
export function withBodyTimeout(inner: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const outer = init?.signal;
    const forward = () => controller.abort();
    outer?.addEventListener('abort', forward, { once: true });
    try {
      const response = await inner(input, { ...init, signal: controller.signal });
      // Error bodies are small and the SDK reads (or cancels) them itself, per retry.
      if (!response.ok || response.status === 204) return response;
      // Read inside fetch, so a stalled body is a fetch timeout the SDK retries. The readers are
      // then answered from the buffer: one response and one stream per request on the hot path.
      const buffer = await response.arrayBuffer();
      const text = () => new TextDecoder().decode(buffer);
      Object.defineProperties(response, {
        arrayBuffer: { value: async () => buffer },
        text: { value: async () => text() },
        json: { value: async () => JSON.parse(text()) },
      });
      return response;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    }
  };
}
