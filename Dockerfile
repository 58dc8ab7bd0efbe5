# syntax=docker/dockerfile:1
# One image for all five apps; APP selects which one runs, extra arguments go to its CLI:
#   docker build -t sessionledger:latest .
#   docker run -e APP=payroll -e HTTP_PORT=3003 ... sessionledger:latest           # serve
#   docker run -e APP=payroll ... sessionledger:latest migrate                     # migrate, then exit
# (gateway, scheduling, session-log, payroll, state-reporting)

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV SCARF_ANALYTICS=false NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG APP=gateway
ENV APP=${APP} \
    NODE_ENV=production \
    HTTP_HOST=0.0.0.0
WORKDIR /app
# Code and dependencies stay root-owned: the app user can read them, not change them.
COPY --from=prod-deps /app/node_modules ./node_modules
# dist/apps/<app> for the five apps, and dist/apps/web: the web app the gateway serves at /.
COPY --from=build /app/dist ./dist
COPY package.json ./
# The image's own "node" user, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000 3001 3002 3003 3004
# No curl in the slim image: node asks the app itself.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('http').get({host:'127.0.0.1',port:process.env.HTTP_PORT||3000,path:'/health/live',timeout:3000},r=>process.exit(r.statusCode===200?0:1)).on('timeout',function(){this.destroy()}).on('error',()=>process.exit(1))"]
# exec: node becomes PID 1 and receives SIGTERM itself (graceful shutdown); "$@" carries
# the container's arguments (CMD, `docker run image migrate`, Kubernetes `args`).
ENTRYPOINT ["/bin/sh", "-c", "exec node \"dist/apps/${APP}/apps/${APP}/src/main.js\" \"$@\"", "sessionledger"]
CMD []
