import http from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode, ErrorEnvelope } from '@comeback/contracts';
import { httpStatusOf } from '../platform/errors.js';

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a request line and headers over
 * Node's 16 KB limit, malformed HTTP) are answered here, on the raw socket, in the same error
 * envelope as everything else. Node does not say whether the URL or the headers overflowed, so
 * the request line is looked at: when it alone takes half the limit, the URL is what is long.
 */
const LONG_REQUEST_LINE = 8 * 1024;

function refusalOf(error: Error & { code?: string; rawPacket?: unknown }): {
  code: ErrorCode;
  message: string;
  field: string;
} {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : Buffer.alloc(0);
    const lineEnd = packet.indexOf('\r\n');
    const requestLine = lineEnd < 0 ? packet.length : lineEnd;
    return requestLine >= LONG_REQUEST_LINE
      ? {
          code: 'uri_too_long',
          message: `the URL is too long (the request line and headers are limited to ${http.maxHeaderSize} bytes)`,
          field: 'url',
        }
      : {
          code: 'headers_too_large',
          message: `the request headers are too large (limited to ${http.maxHeaderSize} bytes with the request line)`,
          field: 'headers',
        };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      code: 'validation_failed',
      message: 'the request was not sent in time',
      field: 'body',
    };
  }
  return { code: 'validation_failed', message: 'malformed HTTP request', field: 'request' };
}

export function clientErrorHandler(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, message, field } = refusalOf(error);
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : httpStatusOf[code];
  const envelope: ErrorEnvelope = { error: { code, message, details: [{ field, message }] } };
  const body = JSON.stringify(envelope);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
