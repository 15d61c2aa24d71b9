// One call of a client may take several HTTP attempts: a client that retries
// after an answer it never got (a timeout, a lost connection) sends the same
// idempotency key again, and the server finds the work already done. Was it
// done by an earlier call (a re-run: `replayed: true`) or by this call's own
// lost attempt (then the result is this call's, and says so)? The client names
// its call in the `x-parkpass-call-id` header, the same on each attempt (the
// SDK does); the request's scope carries it (`callId`), and the server records
// it with what a key created and compares.

export const CALL_ID_HEADER = 'x-parkpass-call-id';

/** What a call id may look like to be kept: 8 to 128 letters, digits, `-`, `_`, `.` or `:`. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/** The call id a request names, or null when it names none or one that is not well formed (then it is ignored, as if absent). */
export function callIdOf(headers: Headers): string | null {
  const header = headers.get(CALL_ID_HEADER);
  return header && WELL_FORMED.test(header) ? header : null;
}

/** True when `recorded` (the call id stored with what a key created) names the call being executed: its own retry, not a replay. */
export const isSameCall = (recorded: string | null | undefined, callId: string | null | undefined): boolean => !!recorded && recorded === callId;
