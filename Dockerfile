# One image for the API, the worker and the web app; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
RUN node node_modules/next/dist/bin/next build web
USER node
EXPOSE 3000 4000
CMD ["node", "--import", "tsx", "server/src/main.ts"]
