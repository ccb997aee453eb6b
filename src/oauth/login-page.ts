/**
 * The HTML of `/restapi/oauth/authorize`: the sign-in page and the error page shown instead of a
 * redirect. Self-contained (inline CSS, no external assets), usable without JavaScript; a few
 * lines of script only fill the username when a user is picked. Every value is escaped here.
 */

export interface PageUser {
  name: string
  extensionNumber: string
  /** What goes into the username field: the email, or `+MAINNUMBER*EXT`. */
  username: string
  email?: string
  accountName: string
  /** The same authorization request with `login_hint` set to this user (works without JS). */
  href: string
  selected: boolean
}

export interface LoginPageModel {
  appName: string
  clientId: string
  scopes: string[]
  scenario: string
  /** Where the user is sent afterwards. */
  redirectUri: string
  /** The authorization request's parameters, carried through the form as hidden fields. */
  hidden: Array<[string, string]>
  users: PageUser[]
  username?: string
  extension?: string
  /** Shown above the form, announced to screen readers. */
  error?: string
  /** CSP nonce for the one inline script. */
  nonce: string
}

export interface ErrorPageModel {
  status: number
  errorCode: string
  message: string
  /** What a developer should check, in plain words. */
  hint: string
  /** Mock-only details (client id, the redirect URI given, the registered ones). */
  details: Array<[string, string]>
  scenario: string
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, c => ESCAPES[c] ?? c)

/** `ReadMessages` → `Read messages`. */
export const scopeLabel = (scope: string): string =>
  scope.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/ ([A-Z])(?=[a-z])/g, (_, c: string) => ` ${c.toLowerCase()}`)

const initials = (name: string): string =>
  name.split(/\s+/).filter(Boolean).slice(0, 2).map(w => w[0]?.toUpperCase() ?? '').join('')

function originOf (uri: string): string {
  try {
    const url = new URL(uri)
    return url.origin !== 'null' ? url.origin : `${url.protocol}${url.pathname}`
  } catch {
    return uri
  }
}

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:16px;line-height:1.45;color:#1d2433;background:#eef1f5}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;padding:40px 16px}
.card{width:100%;max-width:440px;background:#fff;border-radius:12px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 8px 24px rgba(16,24,40,.08);padding:32px 32px 28px}
.brand{display:flex;align-items:center;gap:10px;margin:0 0 24px}
.brand svg{flex:none}
.wordmark{font-size:20px;font-weight:700;letter-spacing:-.01em;color:#0d2b4e}
.pill{margin-left:auto;font-size:12px;font-weight:600;color:#6a4500;background:#fff1dc;border:1px solid #f5c67a;border-radius:999px;padding:2px 10px}
h1{font-size:24px;line-height:1.25;margin:0 0 6px;font-weight:650}
h1+.alert{margin-top:16px}
.lead{margin:0 0 20px;color:#4a5468}
.lead strong{color:#1d2433}
.scopes{margin:0 0 24px;padding:12px 14px;border-radius:8px;background:#f6f8fb;border:1px solid #e3e8ef;font-size:14px;color:#4a5468}
.scopes ul{margin:6px 0 0;padding-left:20px;color:#1d2433}
h2{font-size:13px;font-weight:650;text-transform:uppercase;letter-spacing:.06em;color:#5b6578;margin:0 0 8px}
.users{list-style:none;margin:0 0 20px;padding:0;border:1px solid #e3e8ef;border-radius:8px;overflow:hidden}
.users li+li{border-top:1px solid #e3e8ef}
.users a{display:flex;align-items:center;gap:12px;padding:10px 14px;color:inherit;text-decoration:none}
.users a:hover{background:#f6f8fb}
.users a[aria-current="true"]{background:#eaf3fb;box-shadow:inset 3px 0 0 #0a66b0}
.avatar{flex:none;width:36px;height:36px;border-radius:50%;background:#c25400;color:#fff;font-weight:700;font-size:14px;display:grid;place-items:center}
.who{display:flex;flex-direction:column;min-width:0}
.who b{font-weight:600}
.who span{font-size:13px;color:#5b6578;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.divider{display:flex;align-items:center;gap:12px;color:#5b6578;font-size:13px;margin:4px 0 16px}
.divider::before,.divider::after{content:"";flex:1;border-top:1px solid #e3e8ef}
.field{margin:0 0 16px}
label{display:block;font-weight:600;font-size:14px;margin:0 0 6px}
.optional{font-weight:400;color:#5b6578}
input[type=text],input[type=password],input[type=email]{width:100%;font:inherit;padding:10px 12px;border:1px solid #858fa1;border-radius:6px;background:#fff;color:inherit}
input:hover{border-color:#5b6578}
input[aria-invalid="true"]{border-color:#c4231c}
.alert{display:flex;gap:10px;margin:0 0 16px;padding:12px 14px;border-radius:8px;background:#fdecea;border:1px solid #f3b4ae;color:#8a1610;font-size:14px}
.actions{display:flex;flex-direction:column;gap:10px;margin-top:24px}
button{font:inherit;font-weight:600;padding:11px 16px;border-radius:6px;cursor:pointer;border:1px solid transparent}
.primary{background:#0a66b0;color:#fff}
.primary:hover{background:#08558f}
.secondary{background:#fff;color:#1d2433;border-color:#858fa1}
.secondary:hover{background:#f6f8fb}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #1a5bd6;outline-offset:2px}
input:focus-visible{outline-offset:0;border-color:#1a5bd6}
.return{margin:16px 0 0;font-size:13px;color:#5b6578;text-align:center;overflow-wrap:anywhere}
footer{max-width:440px;margin:20px 0 0;text-align:center;font-size:12px;color:#5b6578}
.details{margin:20px 0 0;font-size:14px}
.details dt{font-weight:600;margin-top:10px}
.details dd{margin:2px 0 0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;overflow-wrap:anywhere}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
@media (max-width:480px){body{padding:16px 8px}.card{padding:24px 18px}}
@media (prefers-reduced-motion:no-preference){a,button,input{transition:background-color .12s,border-color .12s}}
`

const LOGO = '<svg width="32" height="32" viewBox="0 0 32 32" aria-hidden="true" focusable="false">' +
  '<rect width="32" height="32" rx="8" fill="#ff7a00"/>' +
  '<path d="M9 10.5A2.5 2.5 0 0 1 11.5 8h9A2.5 2.5 0 0 1 23 10.5v7a2.5 2.5 0 0 1-2.5 2.5H15l-4.2 3.6c-.5.4-1.2 0-1.2-.6V20A2.5 2.5 0 0 1 9 17.5z" fill="#fff"/>' +
  '</svg>'

function shell (title: string, body: string, scenario: string, script = ''): string {
  return '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    '<meta name="robots" content="noindex">\n' +
    `<title>${escapeHtml(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n` +
    '<main class="card">\n' +
    `<div class="brand">${LOGO}<span class="wordmark">RingCentral</span><span class="pill">Mock</span></div>\n` +
    body +
    '</main>\n' +
    `<footer>ringcentral-mock &middot; scenario <b>${escapeHtml(scenario)}</b> &middot; a local test double, not RingCentral</footer>\n` +
    script +
    '</body>\n</html>\n'
}

export function renderLoginPage (m: LoginPageModel): string {
  const invalid = m.error !== undefined ? ' aria-invalid="true" aria-describedby="login-error"' : ''
  const parts: string[] = []
  parts.push('<h1>Sign in</h1>\n')
  parts.push(`<p class="lead">to continue to <strong>${escapeHtml(m.appName)}</strong></p>\n`)
  if (m.scopes.length > 0) {
    parts.push(`<div class="scopes">${escapeHtml(m.appName)} will be able to:<ul>` +
      m.scopes.map(s => `<li>${escapeHtml(scopeLabel(s))}</li>`).join('') + '</ul></div>\n')
  }
  if (m.users.length > 0) {
    parts.push('<nav aria-labelledby="users-heading">\n<h2 id="users-heading">Choose a test user</h2>\n<ul class="users">\n')
    for (const u of m.users) {
      const line = [`Ext. ${u.extensionNumber}`, u.email, u.accountName].filter(Boolean).join(' · ')
      parts.push(`<li><a href="${escapeHtml(u.href)}" data-username="${escapeHtml(u.username)}"${u.selected ? ' aria-current="true"' : ''}>` +
        `<span class="avatar" aria-hidden="true">${escapeHtml(initials(u.name))}</span>` +
        `<span class="who"><b>${escapeHtml(u.name)}</b><span>${escapeHtml(line)}</span></span></a></li>\n`)
    }
    parts.push('</ul>\n</nav>\n<div class="divider">then enter the password</div>\n')
  }
  parts.push('<form method="post" action="authorize" novalidate>\n')
  for (const [name, value] of m.hidden) parts.push(`<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">\n`)
  if (m.error !== undefined) {
    parts.push(`<div class="alert" id="login-error" role="alert"><span aria-hidden="true">&#9888;</span><span>${escapeHtml(m.error)}</span></div>\n`)
  }
  // With a username already there (a picked user, login_hint, or a failed try), the password is next.
  const focusPassword = m.username !== undefined && m.username !== ''
  parts.push('<div class="field"><label for="username">Email or phone number</label>' +
    `<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required${invalid}` +
    `${m.username !== undefined ? ` value="${escapeHtml(m.username)}"` : ''}${focusPassword ? '' : ' autofocus'}></div>\n`)
  parts.push('<div class="field"><label for="extension">Extension <span class="optional">(optional)</span></label>' +
    `<input type="text" id="extension" name="extension" inputmode="numeric" autocomplete="off"${m.extension !== undefined ? ` value="${escapeHtml(m.extension)}"` : ''}></div>\n`)
  parts.push('<div class="field"><label for="password">Password</label>' +
    `<input type="password" id="password" name="password" autocomplete="current-password" required${invalid}${focusPassword ? ' autofocus' : ''}></div>\n`)
  parts.push('<div class="actions">\n<button type="submit" class="primary" name="action" value="allow">Allow</button>\n' +
    '<button type="submit" class="secondary" name="action" value="deny" formnovalidate>Deny</button>\n</div>\n')
  parts.push('</form>\n')
  parts.push(`<p class="return">You will be returned to <span>${escapeHtml(originOf(m.redirectUri))}</span></p>\n`)
  const script = `<script nonce="${escapeHtml(m.nonce)}">` +
    'document.querySelectorAll("a[data-username]").forEach(function(a){a.addEventListener("click",function(e){' +
    'e.preventDefault();document.getElementById("username").value=a.dataset.username;document.getElementById("extension").value="";' +
    'document.querySelectorAll("a[data-username]").forEach(function(b){b.removeAttribute("aria-current")});a.setAttribute("aria-current","true");' +
    'document.getElementById("password").focus()})})</script>\n'
  return shell(`Sign in to ${m.appName} · RingCentral`, parts.join(''), m.scenario, m.users.length > 0 ? script : '')
}

export function renderErrorPage (m: ErrorPageModel): string {
  const body = '<h1>This sign-in request cannot continue</h1>\n' +
    `<div class="alert" role="alert"><span aria-hidden="true">&#9888;</span><span><b>${escapeHtml(m.errorCode)}</b>: ${escapeHtml(m.message)}</span></div>\n` +
    `<p>${escapeHtml(m.hint)}</p>\n` +
    (m.details.length > 0
      ? '<dl class="details">' + m.details.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('') + '</dl>\n'
      : '')
  return shell(`Error ${m.status} · RingCentral sign-in`, body, m.scenario)
}
