# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript, then a slim runtime with production dependencies only, as a non-root user.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the image already has Node 24, so the `node` devDependency's binary download is skipped.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN ./node_modules/.bin/tsc -p tsconfig.build.json

FROM node:24-slim AS runtime
ENV NODE_ENV=production LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config/mapping.example.yaml ./config/mapping.example.yaml
USER node
ENTRYPOINT ["node", "dist/cli/main.js"]
# The listener and the worker in one process; `listen` and `work` run each role alone (see docker-compose.yml).
CMD ["start"]
