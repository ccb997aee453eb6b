/**
 * The JWT credentials of a running world: their strings, and lookup by `jti` for the token endpoint.
 */
import { credentialClaims, type FastKey, signCredential, signCredentialSync, type CredentialClaims, type SigningKey } from './jwt-credentials.js'
import type { JwtCredential, World } from './world.js'

export interface IssuedCredential {
  credential: JwtCredential
  readonly jwt: string
  jti: string
}

/**
 * A credential whose string is signed when first read. Logins find credentials by `jti`, so a
 * world of 10,000 credentials starts without 10,000 RSA signatures (about 1 ms each); RS256 is
 * deterministic, so the string is the same whenever it is made.
 */
class LazyCredential implements IssuedCredential {
  readonly credential: JwtCredential
  readonly jti: string
  readonly #claims: CredentialClaims
  readonly #key: FastKey
  readonly #kid: string
  #jwt: string | undefined

  constructor (credential: JwtCredential, claims: CredentialClaims, key: FastKey, kid: string) {
    this.credential = credential
    this.jti = claims.jti
    this.#claims = claims
    this.#key = key
    this.#kid = kid
  }

  get jwt (): string {
    return (this.#jwt ??= signCredentialSync(this.#key, this.#kid, this.#claims))
  }
}

export class CredentialBook {
  readonly #byId = new Map<string, IssuedCredential>()
  readonly #byJti = new Map<string, JwtCredential>()

  static async create (world: World, key: SigningKey, clockStart?: number): Promise<CredentialBook> {
    const book = new CredentialBook()
    for (const credential of world.credentials) {
      const claims = credentialClaims(world, credential, clockStart)
      // Copies, so that revoking at run time never changes the world's data.
      if (key.fast) book.add(new LazyCredential({ ...credential }, claims, key.fast, key.kid))
      else book.add({ credential: { ...credential }, jti: claims.jti, jwt: await signCredential(key, claims) })
    }
    return book
  }

  /** Hears of every credential minted or revoked at run time (the change feed). */
  onChange: (() => void) | undefined

  add (issued: IssuedCredential): void {
    this.#byId.set(issued.credential.id, issued)
    this.#byJti.set(issued.jti, issued.credential)
    this.onChange?.()
  }

  /** Revokes a credential: logins with it fail from now on. False if there is none. */
  revoke (id: string): boolean {
    const issued = this.#byId.get(id)
    if (!issued) return false
    issued.credential.revoked = true
    this.onChange?.()
    return true
  }

  get (id: string): IssuedCredential | undefined {
    return this.#byId.get(id)
  }

  all (): IssuedCredential[] {
    return [...this.#byId.values()]
  }

  get byJti (): ReadonlyMap<string, JwtCredential> {
    return this.#byJti
  }
}
