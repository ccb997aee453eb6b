/**
 * The JWT credentials of a running world: their strings, and lookup by `jti` for the token endpoint.
 */
import { credentialClaims, signCredential, type SigningKey } from './jwt-credentials.js'
import type { JwtCredential, World } from './world.js'

export interface IssuedCredential {
  credential: JwtCredential
  jwt: string
  jti: string
}

export class CredentialBook {
  readonly #byId = new Map<string, IssuedCredential>()
  readonly #byJti = new Map<string, JwtCredential>()

  static async create (world: World, key: SigningKey, clockStart?: number): Promise<CredentialBook> {
    const book = new CredentialBook()
    for (const credential of world.credentials) {
      const claims = credentialClaims(world, credential, clockStart)
      // Copies, so that revoking at run time never changes the world's data.
      book.add({ credential: { ...credential }, jti: claims.jti, jwt: await signCredential(key, claims) })
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
