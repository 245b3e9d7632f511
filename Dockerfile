# syntax=docker/dockerfile:1
# Build: a static binary (pure-Go SQLite, no cgo), with module and build caches kept between builds.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/convene ./cmd/convene \
 && mkdir -p /out/data

# Run: no shell, no package manager, a non-root user; timezones are embedded in the binary.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/convene /usr/local/bin/convene
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV CONVENE_DATA_DIR=/data \
    CONVENE_LISTEN=:8080
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/convene", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/convene"]
CMD ["serve"]
