#!/usr/bin/env node
/**
 * Events: how long an inbound SMS takes to reach a subscriber, by webhook and by WebSocket, and
 * how many events per second reach 100 subscriptions; each beside a bare Node.js baseline measured
 * in the same process and run:
 *
 * - webhook latency vs a bare `http.request` POST (a new connection each, as the mock sends) to
 *   the same kind of receiver, until the receiver has the body;
 * - WebSocket latency vs a bare `ws` server sending one frame to a connected client;
 * - throughput: K inbound SMS to 100 webhook subscriptions (K × 100 deliveries) vs 100 bare
 *   senders each POSTing K bodies one after another; and the same over 100 WebSocket sessions vs a
 *   bare `ws` server sending K frames to 100 clients.
 *
 * Prints one JSON object. `node bench/events.js [--samples N] [--events K]`
 */
import { request } from 'node:http'
import { parseArgs } from 'node:util'
import { WebSocket, WebSocketServer } from 'ws'
import { startMockServer } from '../dist/index.js'
import { webhookReceiver as receiver } from './lib/http.js'
import { defaultScenario } from './lib/scenario.js'

const { values } = parseArgs({ options: { samples: { type: 'string', default: '200' }, events: { type: 'string', default: '50' } } })
const SAMPLES = Number(values.samples)
const EVENTS = Number(values.events)
const SUBSCRIBERS = 100

const quantile = (xs, q) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}
const summary = xs => ({ p50Ms: round(quantile(xs, 0.5)), p99Ms: round(quantile(xs, 0.99)), meanMs: round(xs.reduce((a, b) => a + b, 0) / xs.length), samples: xs.length })
const round = x => Math.round(x * 1000) / 1000

function post (url, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, res => { res.resume(); res.on('end', resolve) })
    req.on('error', reject)
    req.end(body)
  })
}

async function login (mock, credential = 'ada-jwt') {
  const res = await fetch(`${mock.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('jwt-app:jwt-app-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: mock.jwt(credential) })
  })
  return (await res.json()).access_token
}

async function subscribeWebhook (mock, token, address) {
  const res = await fetch(`${mock.url}/restapi/v1.0/subscription`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'], deliveryMode: { transportType: 'WebHook', address } })
  })
  if (res.status !== 200) throw new Error(await res.text())
}

/** A WebSocket session subscribed to inbound SMS; `onNotification` for each ServerNotification. */
async function subscribeSocket (mock, token, onNotification) {
  const issued = await (await fetch(`${mock.url}/restapi/oauth/wstoken`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()
  const socket = new WebSocket(`${issued.uri}?access_token=${issued.ws_access_token}`)
  await new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.on('message', data => {
      const [meta] = JSON.parse(String(data))
      if (meta.type === 'ConnectionDetails') socket.send(JSON.stringify([{ type: 'ClientRequest', messageId: 'sub', method: 'POST', path: '/restapi/v1.0/subscription' }, { eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'], deliveryMode: { transportType: 'WebSocket' } }]))
      else if (meta.type === 'ClientRequest' && meta.messageId === 'sub') resolve()
      else if (meta.type === 'ServerNotification') onNotification()
    })
  })
  // The gateway holds notifications for a gap after an answer.
  await new Promise(resolve => setTimeout(resolve, 30))
  return socket
}

const inbound = (mock, text = 'C') => mock.inboundSms({ from: '+16505550177', to: '+16505550100', text })

/** SAMPLES round trips: `fire` sends one event, `arm` hands over the resolver its arrival calls. */
async function sample (fire, arm) {
  const samples = []
  for (let i = 0; i < SAMPLES; i++) {
    const done = new Promise(arm)
    const t0 = performance.now()
    fire()
    await done
    samples.push(performance.now() - t0)
  }
  return samples
}

async function webhookLatency () {
  let arrived
  const { server, url } = await receiver(() => arrived())
  const mock = await startMockServer({ scenario: { ...defaultScenario(), clock: { start: '2024-03-30T12:00:00Z', frozen: true } } })
  await subscribeWebhook(mock, await login(mock), url)
  const mockSamples = await sample(() => inbound(mock), resolve => { arrived = resolve })
  const body = JSON.stringify({ uuid: '1', event: '/restapi/v1.0/account/1/extension/1/message-store/instant?type=SMS', body: { subject: 'C' } })
  const bareSamples = await sample(() => post(url, body), resolve => { arrived = resolve })
  await mock.close()
  server.close()
  return { mock: summary(mockSamples), baseline: summary(bareSamples) }
}

async function socketLatency () {
  let arrived
  const mock = await startMockServer({ scenario: { ...defaultScenario(), clock: { start: '2024-03-30T12:00:00Z', frozen: true } } })
  const socket = await subscribeSocket(mock, await login(mock), () => arrived())
  const mockSamples = await sample(() => inbound(mock), resolve => { arrived = resolve })
  socket.close()
  await mock.close()

  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise(resolve => wss.once('listening', resolve))
  const serverSide = new Promise(resolve => wss.once('connection', resolve))
  const client = new WebSocket(`ws://127.0.0.1:${wss.address().port}`)
  client.on('message', () => arrived())
  const peer = await serverSide
  const frame = JSON.stringify([{ type: 'ServerNotification' }, { body: { subject: 'C' } }])
  const bareSamples = await sample(() => peer.send(frame), resolve => { arrived = resolve })
  client.close()
  wss.close()
  return { mock: summary(mockSamples), baseline: summary(bareSamples) }
}

/** A world with enough users for 100 subscriptions (30 per user and app). */
function manyUsersScenario () {
  const scenario = { ...defaultScenario(), clock: { start: '2024-03-30T12:00:00Z', frozen: true } }
  scenario.policies = { ...scenario.policies, subscriptionsPerUser: SUBSCRIBERS }
  return scenario
}

async function webhookThroughput () {
  let count = 0
  let target = 0
  let finished
  const { server, url } = await receiver(() => { if (++count === target) finished() })
  const mock = await startMockServer({ scenario: manyUsersScenario() })
  const token = await login(mock)
  for (let i = 0; i < SUBSCRIBERS; i++) await subscribeWebhook(mock, token, url)
  count = 0
  target = EVENTS * SUBSCRIBERS
  let done = new Promise(resolve => { finished = resolve })
  let t0 = performance.now()
  for (let i = 0; i < EVENTS; i++) inbound(mock, `m${i}`)
  await done
  const mockSeconds = (performance.now() - t0) / 1000
  await mock.close()

  count = 0
  done = new Promise(resolve => { finished = resolve })
  const body = JSON.stringify({ uuid: '1', body: { subject: 'C' } })
  t0 = performance.now()
  await Promise.all(Array.from({ length: SUBSCRIBERS }, async () => { for (let i = 0; i < EVENTS; i++) await post(url, body) }))
  await done
  const bareSeconds = (performance.now() - t0) / 1000
  server.close()
  return { deliveries: target, mockPerSecond: Math.round(target / mockSeconds), baselinePerSecond: Math.round(target / bareSeconds) }
}

async function socketThroughput () {
  let count = 0
  let finished
  const target = EVENTS * SUBSCRIBERS
  const onNotification = () => { if (++count === target) finished() }
  const mock = await startMockServer({ scenario: manyUsersScenario() })
  const token = await login(mock)
  const sockets = []
  for (let i = 0; i < SUBSCRIBERS; i++) sockets.push(await subscribeSocket(mock, token, onNotification))
  count = 0
  let done = new Promise(resolve => { finished = resolve })
  let t0 = performance.now()
  for (let i = 0; i < EVENTS; i++) inbound(mock, `m${i}`)
  await done
  const mockSeconds = (performance.now() - t0) / 1000
  for (const s of sockets) s.close()
  await mock.close()

  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise(resolve => wss.once('listening', resolve))
  const clients = []
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const c = new WebSocket(`ws://127.0.0.1:${wss.address().port}`)
    c.on('message', onNotification)
    await new Promise(resolve => c.once('open', resolve))
    clients.push(c)
  }
  count = 0
  done = new Promise(resolve => { finished = resolve })
  const frame = JSON.stringify([{ type: 'ServerNotification' }, { body: { subject: 'C' } }])
  t0 = performance.now()
  for (let i = 0; i < EVENTS; i++) for (const peer of wss.clients) peer.send(frame)
  await done
  const bareSeconds = (performance.now() - t0) / 1000
  for (const c of clients) c.close()
  wss.close()
  return { deliveries: target, mockPerSecond: Math.round(target / mockSeconds), baselinePerSecond: Math.round(target / bareSeconds) }
}

const result = {
  samples: SAMPLES,
  events: EVENTS,
  subscribers: SUBSCRIBERS,
  webhookLatency: await webhookLatency(),
  socketLatency: await socketLatency(),
  webhookThroughput: await webhookThroughput(),
  socketThroughput: await socketThroughput()
}
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
