# Multi-stage build of the ytv2 binary (release) and a slim runtime image.
# Build: docker build -t ytv2 .   Run: docker run -e DATABASE_URL=postgres://... -p 10000:10000 ytv2

FROM swift:6.2-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Resolve dependencies first so this layer is cached while only sources change.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product ytv2 --static-swift-stdlib \
    && mkdir -p /staging \
    && cp "$(swift build -c release --show-bin-path)/ytv2" /staging/ \
    && cp -R "$(swift build -c release --show-bin-path)"/*.resources /staging/

FROM debian:bookworm-slim
# libsqlite3 for the legacy readers, postgresql-client for `ytv2 db backup/restore`, CA roots for TLS to the database.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata libsqlite3-0 postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app ytv2
WORKDIR /app
COPY --from=build --chown=ytv2:ytv2 /staging/ /app/
USER ytv2
# Two malloc arenas: glibc otherwise gives threads allocating at once arenas of their own and keeps freed memory in
# each, and `ytv2 serve` then grows with the requests it has answered (docs/operations.md).
ENV HOST=0.0.0.0 PORT=10000 YTV2_PG_BINDIR=/usr/lib/postgresql/15/bin MALLOC_ARENA_MAX=2
EXPOSE 10000
ENTRYPOINT ["/app/ytv2"]
CMD ["serve"]
