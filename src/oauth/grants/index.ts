/** The grants the token endpoint knows, keyed by their wire value. */
import { authorizationCode } from './authorization-code.js'
import { jwtBearer } from './jwt-bearer.js'
import { password } from './password.js'
import { refreshToken } from './refresh-token.js'
import type { Grant } from './types.js'

export const grants: ReadonlyMap<string, Grant> = new Map(
  [password, jwtBearer, refreshToken, authorizationCode].map(grant => [grant.grantType, grant])
)
