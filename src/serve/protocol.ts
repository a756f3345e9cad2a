/**
 * The wire format of `tacit serve` (protocol version 1), owned here: JSON objects, one per line
 * (UTF-8, `\n`-terminated), over a TCP connection on localhost. Every request carries an `id`
 * (any JSON value, echoed back) and an `op`; every response is `{id, ok: true, ...}` or
 * `{id, ok: false, error: {code, message, issues?}}`. docs/interop.md documents each message.
 *
 * Numbers are plain JSON numbers: observations are float32 values written as the shortest decimal
 * that reads back to the same double, so a client that converts them to float32 gets the engine's
 * bits exactly (negative zero included, written `-0.0`). Spaces travel in the form of
 * src/core/space-json.ts (shared with the external-policy bridge, policies/external.ts).
 */

/** Protocol version; a client's `hello` must name it. Bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Longest request line the server reads (a batched step of many copies fits easily). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Error codes of failed responses. */
export type ErrorCode = 'bad-request' | 'protocol-mismatch' | 'no-session' | 'bad-config' | 'bad-action' | 'usage' | 'internal';

/** A request the client got wrong, answered with `{ok: false, error}` (the connection stays open). */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** A request's fields after the line was parsed. */
export interface Request {
  readonly id: unknown;
  readonly op: string;
  readonly [key: string]: unknown;
}

/** Parse one request line; throws ProtocolError('bad-request') on anything but `{op: string, ...}`. */
export function parseRequest(line: string): Request {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    throw new ProtocolError('bad-request', `not a JSON object: ${line.length > 60 ? `${line.slice(0, 57)}...` : line}`);
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg))
    throw new ProtocolError('bad-request', 'each line must be a JSON object with an "op" field');
  const op = (msg as { op?: unknown }).op;
  if (typeof op !== 'string') throw new ProtocolError('bad-request', `missing "op" (one of ${OPS.join(', ')})`);
  return msg as Request;
}

const NEG_ZERO = '\u0000-0';

/**
 * A message as one JSON line. Negative zero, which JSON.stringify writes as `0`, is written `-0.0`
 * so that clients get the engine's exact bits (worlds do produce −0, e.g. a zero cost negated).
 */
export function encodeLine(msg: unknown): string {
  let negZero = false;
  const text = JSON.stringify(msg, (_key, v: unknown) => {
    if (v === 0 && Object.is(v, -0)) {
      negZero = true;
      return NEG_ZERO;
    }
    return v;
  });
  return negZero ? text.replaceAll(`"${NEG_ZERO.replace('\u0000', '\\u0000')}"`, '-0.0') : text;
}

/** The operations of protocol version 1. */
export const OPS = ['hello', 'worlds', 'make', 'reset', 'step', 'ledger', 'close'] as const;
