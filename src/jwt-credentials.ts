/**
 * JWT credentials: minted by the mock in RingCentral's shape, and checked at the token endpoint.
 *
 * RingCentral's credentials are RS256 JWTs signed by RingCentral, with `aud` = the environment's
 * token URL, `iss` = its platform URL, `sub` = the owner's extension id, `iat`, optional `exp` and
 * a `jti` (see docs/fidelity.md). The mock signs with a development key, so the same scenario and
 * key always give the same string: RS256 (PKCS#1 v1.5) signatures are deterministic and every
 * claim is derived from the scenario.
 */
import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject, sign as signBytes, verify as verifySignature, type webcrypto } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { JWK } from 'jose'
import { clip, rc, type RcError } from './errors.js'
import type { App, Extension, JwtCredential, World } from './world.js'
import { PLATFORM_URL } from './world.js'
import type { Environment } from './scenario/types.js'
import { packageFile } from './paths.js'
import { prebuiltFor } from './prebuilt.js'

export const defaultKeyPath = packageFile('keys/dev-signing-key.jwk.json').pathname

/** The fallback `iat` when neither the credential nor the scenario clock gives one. */
const DEFAULT_IAT = Date.parse('2024-01-01T00:00:00Z')

/**
 * jose, loaded on first need. The common paths (a plain RSA key, well-formed assertions that verify)
 * use node:crypto directly and give the same results; jose handles everything else, so that odd
 * keys and bad assertions fail exactly as before. Keeping jose's module graph and WebCrypto out of
 * the start-up and of each jwt-bearer request is measured in docs/performance.md.
 */
type Jose = typeof import('jose')
let josePromise: Promise<Jose> | undefined
const jose = (): Promise<Jose> => (josePromise ??= import('jose'))

export interface SigningKey {
  kid: string
  /** node:crypto keys when `fast` is set, else WebCrypto keys imported by jose. */
  privateKey: KeyObject | webcrypto.CryptoKey
  publicKey: KeyObject | webcrypto.CryptoKey
  publicJwk: JWK
  /**
   * The key pair as node:crypto KeyObjects, for the synchronous paths of signCredential and
   * verifyAssertion: only for a plain RSA JWK of 2048 bits or more, which WebCrypto (through jose)
   * imports alike and RS256 accepts. Absent otherwise: jose then does everything, as it always did.
   */
  fast?: FastKey
}

/** A plain RSA key pair as node:crypto KeyObjects, and the signatures the build made with it. */
export interface FastKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /**
   * The signature of a signing input, if the build made it with exactly this key file (the shipped
   * key and the shipped scenarios' credentials: scripts/prebuild.mjs). RS256 is deterministic, so
   * it is the signature this key gives; anything else is signed here.
   */
  prebuilt: (input: string) => string | undefined
}

const keyCache = new Map<string, Promise<SigningKey>>()

/** Loads (once per path) an RSA private JWK. */
export function loadSigningKey (file = defaultKeyPath, baseDir = process.cwd()): Promise<SigningKey> {
  const path = resolve(baseDir, file)
  let key = keyCache.get(path)
  if (!key) {
    key = (async () => {
      const text = readFileSync(path, 'utf8')
      const jwk = JSON.parse(text) as JWK & { '//': unknown }
      if (jwk.kty !== 'RSA' || jwk.d === undefined) throw new Error(`${path}: signingKey must be an RSA private key in JWK form`)
      const { '//': _comment, ...clean } = jwk
      const kid = clean.kid ?? createHash('sha256').update(clean.n ?? '').digest('hex').slice(0, 32)
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = clean
      const keys = nodeKeys(clean, publicJwk)
      const fast = keys ? { ...keys, prebuilt: prebuiltSignatures(text) } : undefined
      return {
        kid,
        privateKey: fast?.privateKey ?? await (await jose()).importJWK({ ...clean, alg: 'RS256' }, 'RS256') as webcrypto.CryptoKey,
        publicKey: fast?.publicKey ?? await (await jose()).importJWK({ ...publicJwk, alg: 'RS256' }, 'RS256') as webcrypto.CryptoKey,
        publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
        ...(fast ? { fast } : {})
      }
    })()
    keyCache.set(path, key)
    key.catch(() => keyCache.delete(path))
  }
  return key
}

/** The signatures the build made with the key file `text`, read when first asked for. */
function prebuiltSignatures (text: string): (input: string) => string | undefined {
  let known: Record<string, unknown> | undefined
  return input => {
    known ??= prebuiltFor(text).signatures() ?? {}
    const signature = known[input]
    return typeof signature === 'string' ? signature : undefined
  }
}

/**
 * The key pair as node:crypto KeyObjects, or undefined unless jose would take the key the same way:
 * jose drops `alg` and `use` and hands the JWK to WebCrypto, which builds the same key object as
 * node:crypto does, but also applies `key_ops` and `ext` (so keys that have them stay with jose);
 * RS256 refuses moduli under 2048 bits when signing (so those stay with jose, which says so).
 */
function nodeKeys (privateJwk: JWK, publicJwk: JWK): { privateKey: KeyObject, publicKey: KeyObject } | undefined {
  if (privateJwk.key_ops !== undefined || privateJwk.ext !== undefined) return undefined
  try {
    const privateKey = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' })
    const publicKey = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' })
    if (privateKey.asymmetricKeyType !== 'rsa' || (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined
    return { privateKey, publicKey }
  } catch {
    return undefined
  }
}

export const tokenUrl = (environment: Environment): string => `${PLATFORM_URL[environment]}/restapi/oauth/token`

const seconds = (ms: number): number => Math.floor(ms / 1000)

export interface CredentialClaims {
  aud: string
  sub: string
  iss: string
  exp?: number
  iat: number
  jti: string
}

/** The claims of a credential, derived only from the scenario (so they are stable across starts). */
export function credentialClaims (world: World, credential: JwtCredential, clockStart?: number): CredentialClaims {
  const iat = credential.issuedAt !== undefined ? Date.parse(credential.issuedAt) : (clockStart ?? DEFAULT_IAT)
  const jti = createHash('sha256').update(`${world.name}\u0000${credential.owner.id}\u0000${credential.id}`).digest('base64url').slice(0, 22)
  return {
    aud: tokenUrl(world.environment),
    sub: credential.owner.id,
    iss: world.platformUrl,
    ...(credential.expiresAt !== undefined ? { exp: seconds(Date.parse(credential.expiresAt)) } : {}),
    iat: seconds(iat),
    jti
  }
}

const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url')

/**
 * The compact RS256 JWS of `claims`. With a plain key it is built here exactly as jose's
 * CompactSign builds it (base64url of the JSON of the header, then of the claims; an RSASSA-PKCS1-v1_5
 * SHA-256 signature, which is deterministic), so the strings are the same.
 */
export async function signCredential (key: SigningKey, claims: CredentialClaims): Promise<string> {
  const header = { kid: key.kid, typ: 'JWT', alg: 'RS256' }
  if (key.fast) return signCredentialSync(key.fast, key.kid, claims)
  const { CompactSign } = await jose()
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header).sign(key.privateKey)
}

/** The same string as {@link signCredential}, synchronously, with a node:crypto key (`key.fast`). */
export function signCredentialSync (key: FastKey, kid: string, claims: CredentialClaims): string {
  const input = signingInput(kid, claims)
  return `${input}.${key.prebuilt(input) ?? signBytes('sha256', Buffer.from(input, 'ascii'), key.privateKey).toString('base64url')}`
}

/** The JWS signing input of a credential: base64url of the protected header's JSON, a dot, of the claims'. */
export const signingInput = (kid: string, claims: CredentialClaims): string =>
  `${base64url(JSON.stringify({ kid, typ: 'JWT', alg: 'RS256' }))}.${base64url(JSON.stringify(claims))}`

/** What a successful assertion check yields. */
export interface VerifiedAssertion {
  owner: Extension
  credentialId: string
}

const invalid = (message: string): RcError => rc('OAU-149', { message })

/** The characters of an unpadded base64url string. */
const BASE64URL = /^[A-Za-z0-9_-]+$/

/**
 * The payload of a compact RS256 JWS whose signature verifies with `key.verifyKey`, checked with
 * node:crypto synchronously; undefined whenever this is not certain (then jose decides, and names
 * the failure). It only answers for tokens jose verifies identically: three non-empty parts of
 * strict base64url (lengths jose's decoder accepts, so both decode the same bytes), no `crit` or
 * `b64` header parameter, and a key of 2048 bits or more. RSASSA-PKCS1-v1_5 with SHA-256 is the same
 * check in both. jose goes through WebCrypto (about 4x the CPU per verification, most of a
 * jwt-bearer request; see docs/performance.md).
 */
function verifiedPayload (assertion: string, header: Record<string, unknown>, key: SigningKey): Uint8Array | undefined {
  if (key.fast === undefined || Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) return undefined
  return checkSignature(assertion, key.fast.publicKey)
}

/**
 * The claims of the assertions each key verified, by assertion string, oldest first, at most
 * {@link VERIFIED_LIMIT} per key: the same string verifies the same way and decodes to the same
 * claims, so a login with it skips the RSA verification (most of a JWT login's cost) and the
 * decoding. Only that is remembered: every claim is checked again at every login (audience,
 * expiry, revocation, the credential's apps). Only RS256 assertions verified here are kept.
 */
const verifiedByKey = new WeakMap<KeyObject, Map<string, Readonly<Partial<CredentialClaims>>>>()
const VERIFIED_LIMIT = 1000

function rememberedClaims (assertion: string, key: SigningKey): Readonly<Partial<CredentialClaims>> | undefined {
  return key.fast !== undefined ? verifiedByKey.get(key.fast.publicKey)?.get(assertion) : undefined
}

function remember (assertion: string, key: SigningKey, claims: Partial<CredentialClaims>): void {
  if (key.fast === undefined) return
  let verified = verifiedByKey.get(key.fast.publicKey)
  if (verified === undefined) verifiedByKey.set(key.fast.publicKey, verified = new Map())
  if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.keys().next().value as string)
  verified.set(assertion, Object.freeze(claims))
}

function checkSignature (assertion: string, publicKey: KeyObject): Uint8Array | undefined {
  const parts = assertion.split('.')
  if (parts.length !== 3) return undefined
  const [protectedHeader = '', payload = '', signature = ''] = parts
  for (const part of parts) if (!BASE64URL.test(part) || part.length % 4 === 1) return undefined
  const ok = verifySignature('sha256', Buffer.from(`${protectedHeader}.${payload}`, 'ascii'), publicKey, Buffer.from(signature, 'base64url'))
  return ok ? new Uint8Array(Buffer.from(payload, 'base64url')) : undefined
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The protected header of a compact JWS, read the way jose's decodeProtectedHeader reads it, for
 * headers whose base64url is strict (then every decoder gives the same bytes); undefined for
 * anything else, which jose then decodes or refuses.
 */
function protectedHeaderOf (assertion: string): Record<string, unknown> | undefined {
  const parts = assertion.split('.')
  if (parts.length !== 3 && parts.length !== 5) return undefined
  const first = parts[0] ?? ''
  if (!BASE64URL.test(first) || first.length % 4 === 1) return undefined
  try {
    const parsed: unknown = JSON.parse(strictUtf8.decode(Buffer.from(first, 'base64url')))
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/**
 * Checks a JWT-bearer assertion against the world. Every failure is a 400 `invalid_grant` whose
 * message names the cause (RingCentral publishes no codes for these; see docs/fidelity.md).
 */
export async function verifyAssertion (
  assertion: string,
  app: App,
  world: World,
  key: SigningKey,
  now: number,
  byJti: ReadonlyMap<string, JwtCredential>
): Promise<VerifiedAssertion> {
  const claims = rememberedClaims(assertion, key) ?? await verifiedClaims(assertion, key)
  return checkClaims(claims, app, world, now, byJti)
}

/** The claims of an assertion whose header and signature check out; throws RingCentral's errors. */
async function verifiedClaims (assertion: string, key: SigningKey): Promise<Partial<CredentialClaims>> {
  let header
  try {
    header = protectedHeaderOf(assertion) ?? (await jose()).decodeProtectedHeader(assertion)
  } catch {
    throw invalid('Invalid JWT: the assertion is not a compact JWS (header.payload.signature)')
  }
  if (typeof header.alg === 'string' && header.alg.startsWith('HS')) throw rc('OAU-347')
  if (header.alg !== 'RS256') throw rc('OAU-347', { message: `An algorithm which is used for assertion signing is not supported for JWT Bearer grant type: ${clip(String(header.alg))}` })

  let claims: Partial<CredentialClaims>
  try {
    const fast = verifiedPayload(assertion, header, key)
    const payload = fast ?? (await (await jose()).compactVerify(assertion, key.publicKey, { algorithms: ['RS256'] })).payload
    claims = JSON.parse(new TextDecoder().decode(payload)) as Partial<CredentialClaims>
    if (fast !== undefined && claims !== null && typeof claims === 'object' && !Array.isArray(claims)) remember(assertion, key, claims)
  } catch (error) {
    if (error instanceof (await jose()).errors.JWSSignatureVerificationFailed) {
      throw invalid('Invalid JWT: the signature does not verify with this server\'s signing key (the credential was issued by another server or scenario key)')
    }
    throw invalid('Invalid JWT: the assertion cannot be parsed')
  }
  return claims
}

/** The claims against the world: audience, expiry, the credential, its revocation and apps. */
function checkClaims (claims: Readonly<Partial<CredentialClaims>>, app: App, world: World, now: number, byJti: ReadonlyMap<string, JwtCredential>): VerifiedAssertion {
  const expectedAud = tokenUrl(world.environment)
  if (claims.aud !== expectedAud) {
    const other = (Object.keys(PLATFORM_URL) as Environment[]).find(env => tokenUrl(env) === claims.aud)
    throw invalid(other
      ? `Invalid JWT: this is a ${other} credential (aud ${clip(String(claims.aud))}) but this server is ${world.environment}; a JWT for one environment cannot be used in the other`
      : `Invalid JWT: audience ${clip(JSON.stringify(claims.aud) ?? 'undefined')} is not this environment's token endpoint ${expectedAud}`)
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= now) {
    throw invalid(`Invalid JWT: the credential expired at ${new Date(claims.exp * 1000).toISOString()}`)
  }
  const credential = typeof claims.jti === 'string' ? byJti.get(claims.jti) : undefined
  if (!credential || credential.owner.id !== claims.sub) throw invalid('Invalid JWT: no such JWT credential exists (it was never issued or has been deleted)')
  if (credential.revoked) throw invalid(`Invalid JWT: the JWT credential "${credential.id}" has been revoked`)
  if (credential.apps !== undefined && !credential.apps.includes(app.clientId)) {
    throw invalid(`Invalid JWT: the JWT credential "${credential.id}" is not authorized for application ${app.clientId}`)
  }
  return { owner: credential.owner, credentialId: credential.id }
}
