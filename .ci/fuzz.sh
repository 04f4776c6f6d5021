#!/usr/bin/env bash
# Fuzzes each Jazzer target for a bounded time: @FuzzTest(maxDuration = "60s") on each target, so about 75 s per
# target with Maven start-up, about 6 minutes in all. Without JAZZER_FUZZ the same targets only replay their seed
# corpus, which every `mvn test` already does (GunzipFuzzTest, which needs libisal2: `mvn verify`).
# A crash leaves a reproducer under core/src/test/resources/**/<Test>Inputs/<method>/ (Jazzer writes it there);
# commit it with the fix: it then runs as a regression test on every build.
# Tagged targets (GunzipFuzzTest: integration, it needs libisal2) are fuzzed too: no JUnit tag is excluded here.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=(
  "dev.ocisquash.fuzz.TarReaderFuzzTest#parseHeaders"
  "dev.ocisquash.fuzz.JsonDocumentsFuzzTest#parseDocuments"
  "dev.ocisquash.fuzz.ArchiveFuzzTest#squashArbitraryFile"
  "dev.ocisquash.fuzz.AnalyzeFuzzTest#analyzeArbitraryFile"
  "dev.ocisquash.squash.PlannerFuzzTest#plannerMatchesReference"
  "dev.ocisquash.fuzz.GunzipFuzzTest#isalMatchesJdk"
)
./mvnw -B -ntp -q -pl core test-compile
status=0
for t in "${TARGETS[@]}"; do
  echo "== fuzzing $t"
  if ! JAZZER_FUZZ=1 ./mvnw -B -ntp -q -pl core test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      -Docisquash.test.redirectOutput=false -Docisquash.test.excludedGroups=; then
    echo "!! $t found a crash (see the output above and the new file in its Inputs directory)"
    status=1
  fi
done
exit $status
