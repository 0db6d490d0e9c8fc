// A throwaway certificate authority and a server certificate it signed, made with openssl (P-256
// keys: milliseconds), for redis-server's TLS and the clients that must trust it.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runToExit } from './child-process.js';

/**
 * @typedef {object} TlsCertificates
 * @property {string} dir The folder of the files.
 * @property {string} caFile The CA's certificate (PEM): what clients trust.
 * @property {string} ca Its text.
 * @property {string} certFile The server's certificate (PEM), signed by the CA, for
 *   `--tls-cert-file`; usable as a client certificate too (a Cluster's nodes connect to each other).
 * @property {string} keyFile The server's private key (PEM), for `--tls-key-file`.
 * @property {string[]} names The names the server's certificate carries.
 */

/**
 * @typedef {object} TlsCertificateOptions
 * @property {string[]} [names=['DNS:localhost', 'IP:127.0.0.1']] The server certificate's
 *   subjectAltName entries (`DNS:` or `IP:`); a name it leaves out does not verify.
 * @property {string} [dir] Where the files go (made when missing). Default: a new temporary
 *   folder.
 * @property {number} [days=2] How long the certificates are valid.
 */

/**
 * Runs openssl; rejects with its output when it fails.
 * @param {string[]} args
 * @param {string} cwd
 */
async function openssl(args, cwd) {
  const { code, output } = await runToExit('openssl', args, { cwd, timeoutMs: 10_000 });
  if (code !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${output}`);
}

/**
 * Makes a new CA and a server certificate signed by it.
 * @param {TlsCertificateOptions} [options]
 * @returns {Promise<TlsCertificates>}
 */
export async function makeTlsCertificates(options = {}) {
  const { names = ['DNS:localhost', 'IP:127.0.0.1'], days = 2 } = options;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'vp-tls-'));
  mkdirSync(dir, { recursive: true });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(
    [
      'req',
      '-x509',
      ...key,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      String(days),
      '-subj',
      '/CN=vip-presence test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(
    ['req', '-new', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=redis'],
    dir,
  );
  writeFileSync(
    path.join(dir, 'server.ext'),
    `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`,
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      String(days),
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  const caFile = path.join(dir, 'ca.crt');
  return {
    dir,
    caFile,
    ca: readFileSync(caFile, 'utf8'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
    names,
  };
}
