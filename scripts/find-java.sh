# shellcheck shell=bash
# Sourced by ./mailgate and bench/jmh.sh: find_java prints a java binary of JDK 21 or newer
# (JAVA_HOME, then java on the PATH, then the newest under /usr/lib/jvm), or fails.

java_version() { # prints the feature version of a java binary, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

find_java() {
  local candidate best="" best_version=0 v
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n $candidate && -x $candidate ]] || continue
    v=$(java_version "$candidate")
    if [[ -n $v && $v -ge 21 && $v -gt $best_version ]]; then best=$candidate; best_version=$v; fi
  done
  [[ -n $best ]] || { echo "no JDK 21 or newer found (set JAVA_HOME)" >&2; return 1; }
  echo "$best"
}
