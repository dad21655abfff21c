// TLS for the lab node, made at run time: a private CA, a server certificate for 127.0.0.1 and a client certificate,
// all signed by that CA with /usr/bin/openssl (EC keys: fast), turned on with CONFIG SET (Redis 6+ applies tls-*
// settings at run time), and a tapping proxy that shows what a listener on the wire would read.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

export interface CertFiles {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('openssl', args, { cwd, timeout: 10_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`openssl ${args[0]}: ${String(stderr).trim().split('\n').pop() ?? err.message}`)) : resolve(),
    ),
  );
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** The lab's CA, server and client certificates in `dir` (made once; `made` says whether this call made them). */
export async function makeCerts(dir: string): Promise<CertFiles & { made: boolean }> {
  const f: CertFiles = {
    dir,
    ca: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
  };
  if (existsSync(f.clientKey) && existsSync(f.serverKey)) return { ...f, made: false };
  await openssl(['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=redis-learn lab CA'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const sign = (name: string, ext: string[]) =>
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        ...ext,
      ],
      dir,
    );
  await openssl(['req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  await sign('server', ['-extfile', 'server.ext']);
  await openssl(['req', ...EC, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=billing-service'], dir);
  await sign('client', []);
  return { ...f, made: true };
}

/** Serves TLS on `tlsPort` next to the plaintext port. `authClients`: tls-auth-clients (yes = client certificate required). */
export async function enableTls(admin: Redis, files: CertFiles, tlsPort: number, authClients: 'yes' | 'no' | 'optional'): Promise<void> {
  await admin.call(
    'CONFIG',
    'SET',
    'tls-cert-file',
    files.serverCert,
    'tls-key-file',
    files.serverKey,
    'tls-ca-cert-file',
    files.ca,
    'tls-auth-clients',
    authClients,
    'tls-port',
    String(tlsPort),
  );
}

/** TLS options for ioredis: trust the lab CA; `withCert` adds the client certificate. */
export function tlsOptions(files: CertFiles, withCert: boolean): { ca: Buffer; cert?: Buffer; key?: Buffer } {
  return {
    ca: readFileSync(files.ca),
    ...(withCert ? { cert: readFileSync(files.clientCert), key: readFileSync(files.clientKey) } : {}),
  };
}

/** A proxy in front of a port that keeps every byte it forwards, both ways: what a listener on the network sees. */
export interface Tap {
  port: number;
  /** Everything that crossed, client → server and back. */
  bytes(): Buffer;
  close(): Promise<void>;
}

export function tap(targetPort: number): Promise<Tap> {
  const seen: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (d: Buffer) => {
      seen.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      seen.push(d);
      client.write(d);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : 0,
        bytes: () => Buffer.concat(seen),
        close: () =>
          new Promise<void>((res) => {
            for (const s of sockets) s.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}

/** How many times `needle` occurs in `hay`. */
export function occurrences(hay: Buffer, needle: string): number {
  let n = 0;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) n++;
  return n;
}
