# dialogym serve on port 8000: every registered env over OpenEnv's protocol (docs/serving.md).
#
#   docker build -t dialogym .
#   docker run --rm -p 8000:8000 -e DIALOGYM_SERVER_TOKEN=... dialogym
#   docker run --rm -p 8000:8000 dialogym serve --host 0.0.0.0 --port 8000 --env ClarifySearch-v0
#
# Not built in dialogym's CI (its machine has no container engine); the same commands (npm ci,
# npm run build, node dist/cli/main.js serve) are what CI and the tests run outside a container.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json index.ts ./
COPY core core
COPY envs envs
COPY simulators simulators
COPY agents agents
COPY datasets datasets
COPY eval eval
COPY cli cli
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY data data
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8000/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Inside a container the server must bind all interfaces; set DIALOGYM_SERVER_TOKEN when the port is reachable by others.
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
