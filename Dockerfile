# syntax=docker/dockerfile:1
# Railyard's one image: every service runs from it as `railyard service <api|router|providers|budget|simulator>`
# (docker-compose.yml, deploy/k8s/). Build: docker build -t railyard:dev .

# --- build: the launcher and the modules it needs, with the Maven wrapper (tests are the CI's job) ---
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY schema schema
COPY config config
COPY kafka-io kafka-io
COPY embedded-infra embedded-infra
COPY simulator simulator
COPY router-worker router-worker
COPY provider-workers provider-workers
COPY budget-service budget-service
COPY api-ingest api-ingest
COPY launcher launcher
# bench is in the reactor, so Maven must read its POM; -pl launcher -am builds only what the launcher needs.
COPY bench/pom.xml bench/pom.xml
# The cache mount keeps ~/.m2 between builds, so a source change does not download the dependencies again.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests package -pl launcher -am

# --- runtime: a JRE, the launcher's jar and its runtime dependencies (launcher/target/lib) ---
FROM eclipse-temurin:21-jre
# curl: the healthchecks in docker-compose.yml ask GET /health/ready with it.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 railyard \
    && useradd --system --uid 10001 --gid railyard --home-dir /var/lib/railyard --create-home railyard
COPY --from=build /src/launcher/target/lib/ /opt/railyard/lib/
COPY --from=build /src/launcher/target/railyard.jar /opt/railyard/railyard.jar
COPY deploy/docker/railyard /opt/railyard/bin/railyard
# No railyard.yaml inside: Compose and Kubernetes mount deploy/railyard.yaml and set RAILYARD_CONFIG; without it
# the built-in configuration applies.
ENV PATH=/opt/railyard/bin:$PATH \
    RAILYARD_DATA_DIR=/var/lib/railyard
USER railyard
WORKDIR /var/lib/railyard
# 8080: the REST API (api); 8090: the simulator; 9400: the admin port of every service (/metrics, /health/*).
EXPOSE 8080 8090 9400
ENTRYPOINT ["railyard"]
CMD ["--help"]
