# chat-sessions container image: one image for the HTTP API (`serve`, the default command) and for the
# schema commands (`migrate`, `info`, `validate`, `undo --target V`, ...), which Kubernetes runs as an
# init container and Docker Compose as a one-shot service. The Flyway migrations are inside the jar.
#
#   docker build -t chat-sessions:1.0.0 .
#   docker run --rm chat-sessions:1.0.0 migrate      # with POSTGRES_* (migration role) set
#   docker run --rm -p 8080:8080 chat-sessions:1.0.0 # with POSTGRES_* (app role) and AUTH_* set
#
# The bases are arguments so that a machine without registry access can build this same file over local images of
# the same distribution and JDK (src/test/java/io/chatsessions/container does; README "Try it in containers").
# Both are glibc bases: Netty's epoll transport, which the benchmark measured, does not load on musl (Alpine).
ARG BUILD_IMAGE=eclipse-temurin:25-jdk-noble
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build stage: the Maven wrapper pins Maven 3.9.11; the JDK (Temurin 25) comes from the image ------------------
FROM ${BUILD_IMAGE} AS build
# A Java 25 runtime of the JDK's own modules minus the developer tools (compiler, debugger agent, jshell, jlink...):
# everything the service or an operator's jcmd could load, without the 300 MB of a JDK. First, so that a change of the
# sources does not link it again. (--strip-debug would also strip native symbols, which needs binutils' objcopy.)
RUN jlink --output /jre --strip-java-debug-attributes --no-man-pages --no-header-files \
      --add-modules "$(java --list-modules | sed 's/@.*//' \
        | grep -vxE 'jdk\.(compiler|editpad|hotspot\.agent|internal\.(ed|jvmstat|le|opt|vm\.ci)|jartool|javadoc|jconsole|jdeps|jdi|jdwp\.agent|jlink|jpackage|jshell|jstatd|graal\.compiler(\.management)?)' \
        | paste -sd, -)"

WORKDIR /build

# The sources, db/ (migrations and rollback scripts, packaged into the jar) and build settings such as
# openapi.properties; .dockerignore keeps tests, docs, k8s/ and build output out. The jar is Java 17 bytecode
# (maven.compiler.release) whichever JDK builds it.
COPY . .
# The Maven repository is a build cache (BuildKit and buildah keep it between builds), so a rebuild downloads nothing
# it already has. MAVEN_ARGS adds options, e.g. a read-only host repository to read from first (the tests do).
ARG MAVEN_ARGS=
RUN --mount=type=cache,id=chat-sessions-m2,target=/root/.m2 ./mvnw -B -q -ntp $MAVEN_ARGS package -DskipTests
# Netty's epoll libraries, outside the jar: Netty loads them from java.library.path first, so it never extracts them to
# /tmp, which Docker's --tmpfs mounts noexec (a library there cannot be mapped, and Netty would silently fall back to NIO).
RUN mkdir /native && cd /native && jar xf /build/target/chat-sessions.jar META-INF/native \
 && mv META-INF/native/libnetty_transport_native_epoll_*.so . && rm -rf META-INF && ls /native | grep -q epoll_x86_64

# ---- runtime stage: Debian with the jlinked JRE, non-root, read-only-root-filesystem friendly ---------------------
# The jar runs on Java 25, whose JIT and compact object headers (8-byte headers, JEP 519) cost the service 8-12% less
# CPU per list and append request than Java 17 (read: within noise; docs/BENCHMARKS.md).
FROM ${RUNTIME_IMAGE}
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH=/opt/java/openjdk/bin:$PATH
COPY --from=build /jre /opt/java/openjdk

# uid/gid 10001 are what the Helm chart's securityContext (runAsUser/runAsGroup/fsGroup) expects. The app writes
# nothing but /tmp, so /tmp is the only directory it can write: /var/tmp points there, and the other world-writable
# directories a Debian base has (/run/lock, /dev/shm stays the runtime's) lose their write bit.
# The jar stays owned by root (read-only for the app user).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
 && rm -rf /var/tmp && ln -s /tmp /var/tmp \
 && find / -xdev -path /tmp -prune -o -perm -0002 ! -type l -print0 | xargs -0r chmod o-w

COPY --from=build /build/target/chat-sessions.jar /app/chat-sessions.jar
COPY --from=build /native /app/native

WORKDIR /app
USER 10001:10001
# 8080: the API (PORT); 8081: health and metrics (MANAGEMENT_PORT), for probes and monitoring, never published.
EXPOSE 8080 8081

# The app writes nothing but /tmp: mount a writable /tmp (emptyDir, tmpfs) when the root filesystem is read-only.
# Container-aware heap sizing; compact object headers; Netty loads its epoll library (from /app/native) without a warning. The collector
# is the JVM's own choice: SerialGC under the chart's 768 MiB limit, which the benchmark measured as cheaper and with
# a lower p99 than G1 on this service. Extra JVM flags (another collector, say) go in JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseCompactObjectHeaders", "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=/tmp", "-Djava.library.path=/app/native", "-jar", "/app/chat-sessions.jar"]
CMD ["serve"]
