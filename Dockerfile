# The headless runner, for the compose files `switchboard export --format compose` writes:
#   docker build -t switchboard .
# Each agent service runs `switchboard run TOPOLOGY --nats URL --creds SEED --only AGENT`. The
# desktop app is not in this image; nats-server runs in its own container (the official image).
FROM node:20-bookworm-slim
WORKDIR /opt/switchboard
# Electron is a dependency for the desktop app's types and installers; the runner never loads it.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
# Scripts wait: postinstall looks for a nats-server (none needed here), prepare builds the sources.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs && npm prune --omit=dev --no-audit --no-fund \
  && ln -s /opt/switchboard/bin/switchboard.js /usr/local/bin/switchboard
USER node
CMD ["switchboard", "--help"]
