# syntax=docker/dockerfile:1
# Multi-stage: dependencies and the generated Prisma client are built once, the runtime stage only
# copies them. The CLI is the entrypoint: `docker run IMAGE start --roles api`.

FROM node:24-slim AS deps
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/
RUN npm ci --no-audit --no-fund
# The dashboard is built here (its toolchain is dev-only) and only web/dist reaches the runtime stage.
COPY web ./web
RUN node_modules/.bin/vite build --logLevel warn web \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--disable-warning=ExperimentalWarning \
    API_PORT=8080 \
    PATH=/app/node_modules/.bin:$PATH
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=deps --chown=node:node /app/generated ./generated
COPY --chown=node:node . .
COPY --from=deps --chown=node:node /app/web/dist ./web/dist
USER node
EXPOSE 8080
# Only the api role listens; other roles' containers override or disable this check (see compose).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.API_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["tsx", "cli/main.ts"]
CMD ["start"]
