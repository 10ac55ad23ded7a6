// Reading request bodies: JSON only, size-capped while streaming, validated with a strict schema.

import { GatehouseError } from '@gatehouse/core';
import type { z } from 'zod';

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads and validates a JSON body. Unknown fields, wrong types, oversized or non-JSON bodies are
 * client errors (4xx), never a crash.
 * @throws GatehouseError `unsupported_media_type`, `payload_too_large`, `invalid_body`
 */
export async function readJson<T extends z.ZodType>(request: Request, schema: T, maxBytes = MAX_BODY_BYTES): Promise<z.infer<T>> {
  checkJsonType(request);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new GatehouseError('payload_too_large', `The body must be at most ${maxBytes} bytes.`);
  return parseBody(await readCapped(request, maxBytes), schema);
}

/**
 * Like {@link readJson} for endpoints whose body may be left out: no body (or an empty one) is
 * `undefined`; anything else must be JSON that the schema accepts.
 * @throws GatehouseError `unsupported_media_type`, `payload_too_large`, `invalid_body`
 */
export async function readOptionalJson<T extends z.ZodType>(
  request: Request,
  schema: T,
  maxBytes = MAX_BODY_BYTES,
): Promise<z.infer<T> | undefined> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new GatehouseError('payload_too_large', `The body must be at most ${maxBytes} bytes.`);
  const text = await readCapped(request, maxBytes);
  if (text === '') return undefined;
  checkJsonType(request);
  return parseBody(text, schema);
}

/**
 * Reads an HTML form post (`application/x-www-form-urlencoded`), size-capped while streaming.
 * @throws GatehouseError `unsupported_media_type`, `payload_too_large`, `invalid_body`
 */
export async function readForm(request: Request, maxBytes = MAX_BODY_BYTES): Promise<URLSearchParams> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new GatehouseError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new GatehouseError('payload_too_large', `The body must be at most ${maxBytes} bytes.`);
  return new URLSearchParams(await readCapped(request, maxBytes));
}

function checkJsonType(request: Request): void {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new GatehouseError('unsupported_media_type', 'Send the body as application/json.');
  }
}

function parseBody<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GatehouseError('invalid_body', 'The body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join('; ');
    throw new GatehouseError('invalid_body', `The body is invalid (${detail}).`);
  }
  return parsed.data;
}

async function readCapped(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new GatehouseError('payload_too_large', `The body must be at most ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new GatehouseError('invalid_body', 'The body is not valid UTF-8.');
  }
}
