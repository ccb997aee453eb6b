# syntax=docker/dockerfile:1
#
# ringcentral-mock as a container: a local fake of RingCentral's OAuth and messaging API.
#
#   docker build -t ringcentral-mock .
#   docker run --rm -p 8080:8080 ringcentral-mock
#       serves scenarios/default.yaml on http://localhost:8080 and prints the apps, users and JWTs
#
# Your own scenario: mount it and name it in $SCENARIO:
#
#   docker run --rm -p 8080:8080 -v "$PWD/my.yaml:/scenarios/my.yaml:ro" -e SCENARIO=/scenarios/my.yaml ringcentral-mock
#
# Another shipped scenario: -e SCENARIO=scenarios/NAME.yaml (relative to /app). Other commands:
#
#   docker run --rm ringcentral-mock node dist/cli.js jwt ada-jwt
#   docker run --rm -v "$PWD/my.yaml:/scenarios/my.yaml:ro" ringcentral-mock node dist/cli.js validate /scenarios/my.yaml
#
# If the server listens on another port inside the container, pass -e PORT=N too: the health
# check asks http://127.0.0.1:$PORT/__mock/health.
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
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 SCENARIO=scenarios/default.yaml
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
# The scenario comes from $SCENARIO: docker run -e SCENARIO=/scenarios/my.yaml -v "$PWD/my.yaml:/scenarios/my.yaml:ro" ...
CMD ["node", "dist/cli.js", "--host", "0.0.0.0", "--port", "8080"]
