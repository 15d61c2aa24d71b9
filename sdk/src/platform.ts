// The few runtime types the SDK's declarations name, declared here by their
// shape so a project compiles against the SDK with neither the DOM lib nor
// @types/node (`"types": []`). Node's and the browsers' own objects fit them.

/** An AbortSignal (Node's, a browser's, or any with this shape). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** What the SDK reads of a fetch response. */
export interface FetchResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * A fetch implementation: the global `fetch`, undici's, or a wrapper of your
 * own (e.g. to add a proxy). The SDK calls it with a URL string and an init of
 * `method`, `headers` (a plain object), `body` (a string) and `signal`.
 */
export type FetchLike = (url: string, init: never) => Promise<FetchResponseLike>;

/** Request headers as a fetch `Headers` or Node's `request.headers` gives them. */
export type HeadersLike =
  | { forEach(callback: (value: string, name: string) => void): void; get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;
