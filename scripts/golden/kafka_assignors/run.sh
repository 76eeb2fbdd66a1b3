#!/usr/bin/env bash
# Generate tests/golden/event_streaming/kafka_random.json from Kafka's real
# consumer partition assignors.
#
# Usage: bash scripts/golden/kafka_assignors/run.sh KAFKA_GIT_DIR [COMMIT] [driver options]
#   KAFKA_GIT_DIR  a clone of github.com/apache/kafka (a bare one will do)
#   COMMIT         the Kafka commit to build (default 1eb7644349cb07139d6a3c1ad1986979647cac99)
#   driver options, passed on: --groups N (per assignor, default 40), --steps N (default 8),
#                  --order-check (also print how many calls change with another map order)
# Environment: OUT overrides the output path.
# Needs: git, a JDK 17 or newer (javac, java). No network, no build tool.
#
# Only the Kafka source files listed in kafka-sources.txt are taken from the
# commit (with git archive) into a temporary directory, compiled with the
# stand-ins in stubs/ and the driver KafkaRandomGolden.java, and run. The
# driver uses fixed seeds, so the output is the same on every run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

commit="1eb7644349cb07139d6a3c1ad1986979647cac99"
if [[ $# -eq 0 || "$1" == --* ]]; then
    echo "usage: run.sh KAFKA_GIT_DIR [COMMIT] [--groups N] [--steps N] [--order-check]" >&2
    exit 2
fi
kafka="$1"; shift
if [[ $# -gt 0 && "$1" != --* ]]; then commit="$1"; shift; fi
out="${OUT:-$root/tests/golden/event_streaming/kafka_random.json}"

for tool in git javac java; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 1; }
done
java_major="$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')"
if [[ ! "$java_major" =~ ^[0-9]+$ || "$java_major" -lt 17 ]]; then
    echo "run.sh: need JDK 17 or newer, found: $(javac -version 2>&1)" >&2
    exit 1
fi

commit="$(git -C "$kafka" rev-parse --verify --quiet "$commit^{commit}")" \
    || { echo "run.sh: commit not found in $kafka" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/classes"

prefix="clients/src/main/java"
paths=()
while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    paths+=("$prefix/$line")
done < "$here/kafka-sources.txt"

git -C "$kafka" archive --format=tar "$commit" -- "${paths[@]}" | tar -x -C "$tmp/src"

mapfile -t stubs < <(cd "$here/stubs" && find . -name '*.java' | sort)
sources=("${paths[@]/#/$tmp/src/}")
sources+=("${stubs[@]/#./$here/stubs}")
sources+=("$here/KafkaRandomGolden.java")

# Every file is named explicitly and nothing else is on the source or class
# path, so a missing dependency is a compile error rather than a silent pick-up.
javac -nowarn -encoding UTF-8 -d "$tmp/classes" -cp "$tmp/classes" -sourcepath "$tmp/classes" \
    -implicit:none "${sources[@]}" 2> "$tmp/javac.log" \
    || { cat "$tmp/javac.log" >&2; echo "run.sh: compile failed (kafka-sources.txt may need updating for $commit)" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
java -cp "$tmp/classes" org.apache.kafka.clients.consumer.KafkaRandomGolden "$out.tmp" "$commit" "$@"
mv "$out.tmp" "$out"
echo "wrote $out ($(wc -c < "$out") bytes) from Kafka $commit" >&2
