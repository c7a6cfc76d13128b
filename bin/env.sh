# Sourced by the project's scripts: finds a JDK 21+ and Maven, and exports JAVA_HOME and MVN; checks for Node.js.
# A JDK is taken from $JAVA_HOME, then `java` on the PATH, then every JDK under the usual install roots,
# the newest first; Maven from the PATH, else Debian's package when running as root.

java_feature() { # prints the feature release of the JDK at $1 (17, 21, 25, ...), or nothing
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
    local candidates=() dir best="" best_feature=0 feature
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v java >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    fi
    for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* \
               "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$dir" ] && candidates+=("$dir")
    done
    for dir in "${candidates[@]}"; do
        feature=$(java_feature "$dir")
        if [ -n "$feature" ] && [ "$feature" -ge 21 ] && [ "$feature" -gt "$best_feature" ]; then
            best=$dir best_feature=$feature
        fi
    done
    if [ -z "$best" ]; then
        echo "error: no JDK 21 or newer found (looked at \$JAVA_HOME, java on the PATH and /usr/lib/jvm, /opt, ~/.sdkman)." >&2
        echo "       Install one (for example Temurin 21 or 25) or point JAVA_HOME at it." >&2
        return 1
    fi
    export JAVA_HOME="$best"
    export PATH="$JAVA_HOME/bin:$PATH"
}

find_maven() {
    if ! command -v mvn >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "Maven not found: installing Debian's maven package" >&2
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven) >&2 || return 1
        else
            echo "error: Maven (mvn) not found on the PATH; install Maven 3.8 or newer." >&2
            return 1
        fi
    fi
    MVN="mvn -B -ntp"
    export MVN
}

find_node() { # the state machine checks run Node.js packages (src/test/node): node 20+ and npm must be on the PATH
    local major
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        echo "error: Node.js and npm not found on the PATH. The test command validates and runs the state machines" >&2
        echo "       with pinned npm packages (src/test/node): install Node.js 20 or newer with npm." >&2
        return 1
    fi
    major=$(node --version | sed -n 's/^v\([0-9]*\).*/\1/p')
    if [ -z "$major" ] || [ "$major" -lt 20 ]; then
        echo "error: Node.js $(node --version) found; the state machine checks need Node.js 20 or newer." >&2
        return 1
    fi
}
