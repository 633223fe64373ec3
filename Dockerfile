# Build stage: dev dependencies and the TypeScript compiler.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `prepare` compiles; the sources are not here yet, so skip scripts and build below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json rolldown.config.mjs ./
COPY src ./src
# The load driver (bench/load.ts) uses the test suite's fake APIs.
COPY bench ./bench
COPY test/platforms ./test/platforms
RUN npm run build

# Runtime stage: production dependencies and the bundled CLI only, as a non-root user. The
# same image is the server (`npm start`) and the GitLab CI job (`ci-explain gitlab-mr`, which
# reads the job's clone with git).
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 LOG_FORMAT=json
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/cli ./dist/cli
COPY bin ./bin
COPY app.yml ./
COPY examples ./examples
# In a GitLab CI job the clone belongs to the runner's user, not to `node`: git must still read it.
RUN ln -s /app/bin/ci-explain.js /usr/local/bin/ci-explain && git config --system --add safe.directory '*'
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `docker stop` sends SIGTERM; npm passes it on to the server: running work gets SHUTDOWN_GRACE_MS, then exit 0.
STOPSIGNAL SIGTERM
CMD ["npm", "start"]
