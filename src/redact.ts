/** Removes secrets from what the mock logs. */
const SECRET_PARAMS = /([?&](?:access_token|token|code|code_verifier|assertion|password|refresh_token|client_secret)=)[^&#]*/gi

export const redactUrl = (url: string): string => url.replace(SECRET_PARAMS, '$1[redacted]')
