#!/usr/bin/env bash
# JMH micro-benchmarks of the hot paths: command parsing, DATA framing and dot-unstuffing,
# and the spool's durable write (group commit). Arguments go to JMH, e.g.:
#   bench/jmh.sh                      # all, with the settings in each benchmark
#   bench/jmh.sh SpoolBenchmark -t 8  # one, with 8 threads
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/find-java.sh"
cd "$root"
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >target/jmh-build.log 2>&1 \
  || { cat target/jmh-build.log >&2; exit 1; }
java=$(find_java)
exec "$java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main "$@"
