/**
 * A local web push service (what fcm.googleapis.com or Mozilla's autopush are to a browser),
 * over HTTPS with a throw-away certificate. It checks each request as RFC 8030 / 8291 / 8292
 * say: `Authorization: vapid t=<JWT>, k=<public key>` with an ES256 JWT signed by that key
 * (`aud` the endpoint's origin, `exp` at most 24 hours ahead, `sub` present), a `TTL` header,
 * `Content-Encoding: aes128gcm` and at most 4096 bytes; it then decrypts the body with the
 * subscriber's private key (as the browser would) and records the JSON. Answers like autopush:
 * 201 with a Location, or an error status with a JSON body.
 */
import { execFileSync } from 'node:child_process';
import {
  createECDH,
  createPublicKey,
  randomBytes,
  verify as verifySignature,
  type ECDH,
} from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(
    body: Buffer,
    params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string },
  ): Buffer;
};

/** A browser's subscription, with the private half the browser keeps. */
export interface PushSubscriber {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  endpoint: string;
  /** The decrypted body, parsed as JSON. */
  payload: Record<string, unknown>;
  ttl: number;
  topic: string | null;
  urgency: string | null;
  /** The `k=` of the Authorization header: the application server's public key. */
  vapidKey: string;
  claims: { aud: string; exp: number; sub: string };
}

interface Subscriber {
  ecdh: ECDH;
  auth: string;
  /** The applicationServerKey the browser subscribed with; another `k` gets 403. */
  applicationServerKey: string | null;
  /** Statuses to answer next, in order (then 201). */
  answers: number[];
  gone: boolean;
}

const MAX_BODY = 4096;

function makeCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'push-peer-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export class PushServicePeer {
  readonly received: ReceivedPush[] = [];
  /** Requests refused by the checks: status and why. */
  readonly refused: { endpoint: string; status: number; reason: string }[] = [];
  /** The certificate to trust (`new https.Agent({ ca })`). */
  readonly ca: string;
  readonly #server: https.Server;
  readonly #subscribers = new Map<string, Subscriber>();
  #origin = '';

  private constructor() {
    const { key, cert } = makeCertificate();
    this.ca = cert;
    this.#server = https.createServer({ key, cert }, (request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY + 1) chunks.push(chunk);
      });
      request.on('end', () => {
        const { status, body, location } = this.#handle(request, Buffer.concat(chunks), size);
        response.writeHead(status, {
          'content-type': 'application/json',
          ...(location ? { location } : {}),
          ...(status === 429 ? { 'retry-after': '120' } : {}),
        });
        response.end(body);
      });
    });
  }

  static async start(): Promise<PushServicePeer> {
    const peer = new PushServicePeer();
    await new Promise<void>((resolve) => peer.#server.listen(0, '127.0.0.1', resolve));
    const { port } = peer.#server.address() as AddressInfo;
    peer.#origin = `https://127.0.0.1:${port}`;
    return peer;
  }

  get origin(): string {
    return this.#origin;
  }

  /** A new browser subscription, as `PushSubscription.toJSON()` gives it. */
  subscribe(applicationServerKey: string | null = null): PushSubscriber {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16).toString('base64url');
    const endpoint = `${this.#origin}/wpush/v2/${randomBytes(24).toString('base64url')}`;
    this.#subscribers.set(endpoint, { ecdh, auth, applicationServerKey, answers: [], gone: false });
    return { endpoint, keys: { p256dh: ecdh.getPublicKey('base64url'), auth } };
  }

  /** The next requests to `endpoint` get these statuses (404, 410, 429, 500...), then 201. */
  answerNext(endpoint: string, ...statuses: number[]): void {
    this.#subscriber(endpoint).answers.push(...statuses);
  }

  /** The browser unsubscribed: from now on 410 Gone. */
  expire(endpoint: string): void {
    this.#subscriber(endpoint).gone = true;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #subscriber(endpoint: string): Subscriber {
    const found = this.#subscribers.get(endpoint);
    if (!found) throw new Error(`no subscriber ${endpoint}`);
    return found;
  }

  #handle(
    request: IncomingMessage,
    body: Buffer,
    size: number,
  ): { status: number; body: string; location?: string } {
    const endpoint = `${this.#origin}${request.url ?? ''}`;
    const refuse = (status: number, errno: number, reason: string) => {
      this.refused.push({ endpoint, status, reason });
      return {
        status,
        body: JSON.stringify({ code: status, errno, error: 'Error', message: reason }),
      };
    };
    const subscriber = this.#subscribers.get(endpoint);
    if (request.method !== 'POST') return refuse(405, 101, 'method not allowed');
    if (!subscriber) return refuse(404, 102, 'no such subscription');
    if (subscriber.gone) return refuse(410, 106, 'subscription expired');
    const vapid = this.#checkVapid(request.headers.authorization);
    if (typeof vapid === 'string') return refuse(401, 109, vapid);
    if (subscriber.applicationServerKey !== null && vapid.key !== subscriber.applicationServerKey)
      return refuse(403, 109, 'the key is not the one the subscription was made with');
    const ttl = request.headers.ttl;
    if (typeof ttl !== 'string' || !/^\d+$/.test(ttl)) return refuse(400, 111, 'missing TTL');
    if (size > MAX_BODY) return refuse(413, 104, 'payload too large');
    if (request.headers['content-encoding'] !== 'aes128gcm')
      return refuse(400, 110, 'Content-Encoding must be aes128gcm');
    let payload: Record<string, unknown>;
    try {
      const plain = ece.decrypt(body, {
        version: 'aes128gcm',
        privateKey: subscriber.ecdh,
        authSecret: subscriber.auth,
      });
      payload = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      return refuse(400, 110, `cannot decrypt: ${String(error)}`);
    }
    const next = subscriber.answers.shift();
    if (next !== undefined && next !== 201) return refuse(next, 0, `answered ${next} as told`);
    const topic = request.headers.topic;
    const urgency = request.headers.urgency;
    this.received.push({
      endpoint,
      payload,
      ttl: Number(ttl),
      topic: typeof topic === 'string' ? topic : null,
      urgency: typeof urgency === 'string' ? urgency : null,
      vapidKey: vapid.key,
      claims: vapid.claims,
    });
    return {
      status: 201,
      body: '',
      location: `${this.#origin}/m/${randomBytes(12).toString('base64url')}`,
    };
  }

  /** The VAPID header checked as RFC 8292 says, or why it is refused. */
  #checkVapid(
    header: string | undefined,
  ): { key: string; claims: ReceivedPush['claims'] } | string {
    const match = /^vapid t=([A-Za-z0-9_.-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
    if (!match) return 'Authorization must be "vapid t=<JWT>, k=<key>"';
    const [, jwt = '', key = ''] = match;
    const [head = '', body = '', signature = '', ...rest] = jwt.split('.');
    if (rest.length > 0 || !signature) return 'the JWT has not three parts';
    const point = Buffer.from(key, 'base64url');
    if (point.length !== 65 || point[0] !== 4) return 'k is not an uncompressed P-256 key';
    const publicKey = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    const signed = verifySignature(
      'sha256',
      Buffer.from(`${head}.${body}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) return 'the JWT signature does not verify with k';
    const parse = (part: string) =>
      JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { typ, alg } = parse(head);
    if (alg !== 'ES256' || typ !== 'JWT') return 'the JWT header must be ES256 / JWT';
    const { aud, exp, sub } = parse(body);
    if (aud !== this.#origin) return `aud ${String(aud)} is not ${this.#origin}`;
    const nowSeconds = Date.now() / 1000;
    if (typeof exp !== 'number' || exp <= nowSeconds || exp > nowSeconds + 24 * 60 * 60)
      return 'exp must be within the next 24 hours';
    if (typeof sub !== 'string' || !/^(mailto:|https:)/.test(sub))
      return 'sub must be a mailto: or https: URI';
    return { key, claims: { aud, exp, sub } };
  }
}
