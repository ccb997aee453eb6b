# syntax=docker/dockerfile:1
#
# ringcentral-mock as a container: a local fake of RingCentral's OAuth and messaging API.
#
#   docker build -t ringcentral-mock .
#   docker run --rm -p 8080:8080 ringcentral-mock
#       serves scenarios/default.yaml on http://localhost:8080 and prints the apps, users and JWTs
#
# Another shipped scenario, by name: -e SCENARIO=msg-304. Your own: mount its folder (with its
# signing key, if it names one: `signingKey:` is relative to the scenario file) and name the file:
#
#   docker run --rm -p 8080:8080 -v "$PWD/scenarios:/scenarios:ro" -e SCENARIO=/scenarios/my.yaml ringcentral-mock
#
# HOST and PORT come from the environment (the command line does not override them), and the
# health check follows PORT: docker run --rm -p 9000:9000 -e PORT=9000 ringcentral-mock. Other commands:
#
#   docker run --rm ringcentral-mock node dist/cli.js jwt ada-jwt
#   docker run --rm -v "$PWD/scenarios:/scenarios:ro" ringcentral-mock node dist/cli.js validate /scenarios/my.yaml
#
# test/e2e/dockerfile.test.ts assembles the runtime stage's files exactly as listed here, runs the
# CMD and the HEALTHCHECK from them, and logs in (no Docker engine needed).

ARG NODE_VERSION=22

# --- build: compile TypeScript to dist/ ---------------------------------------------------------
FROM node:${NODE_VERSION}-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the "prepare" script would build before the sources are copied in.
RUN npm ci --ignore-scripts --no-audit --no-fund
# Everything .dockerignore lets through (sources, scenarios, keys, openapi, tsconfig.json).
COPY . .
# openapi/ may be absent from a checkout that has no OpenAPI files yet; the runtime stage copies it.
RUN mkdir -p openapi && npm run build

# --- runtime: production dependencies and the built program only --------------------------------
FROM node:${NODE_VERSION}-alpine AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 SCENARIO=default
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/scenarios ./scenarios
COPY --from=build /app/keys ./keys
COPY --from=build /app/openapi ./openapi
# Files stay owned by root and read-only to the server, which never writes to disk.
USER node
EXPOSE 8080
# Alpine has no curl; node's own fetch does the check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/__mock/health').then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM/SIGINT itself; the CLI closes the server and exits 0.
# No flags: HOST, PORT and SCENARIO come from the environment, so `-e` can change each of them.
CMD ["node", "dist/cli.js"]
