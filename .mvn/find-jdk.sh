# Sourced by ./mvnw, ./railyard and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: JAVA_HOME if it is 21+, then `java` on the PATH, then the newest JDK 21+ in the usual places.
railyard_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
railyard_find_jdk() {
  local candidate major best="" best_major=0 noglob_was=""
  case $- in *f*) noglob_was=1; set +f ;; esac
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(railyard_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(railyard_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ]; then echo "$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(railyard_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  [ -n "$noglob_was" ] && set -f
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  return 1
}
if railyard_jdk=$(railyard_find_jdk); then
  export JAVA_HOME="$railyard_jdk"
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven's own Guice warns about sun.misc.Unsafe on JDK 24+; the flag does not exist before 23.
  if [ "$(railyard_java_major "$JAVA_HOME")" -ge 24 ]; then
    case "${MAVEN_OPTS:-}" in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
  fi
else
  echo "Railyard needs a JDK 21 or newer and found none (JAVA_HOME, PATH, /usr/lib/jvm)." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+, or set JAVA_HOME to it." >&2
  exit 1
fi
