// A refusal that is about the server, not the request: too much of some bounded
// work (e.g. password hashing) is under way. Nothing was written; the caller
// may send the same request again after `retryAfterSeconds`. GraphQL answers it
// as SERVICE_UNAVAILABLE with HTTP 503 and Retry-After (mask-error.ts).
export class ServiceBusyError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'ServiceBusyError';
  }
}
