#!/usr/bin/env bash
# npm test: type-check, lint, then vitest. The last line is the plain `N passed, N failed` count
# read from vitest's JSON report, so CI sees one unambiguous total.
set -u
export NO_COLOR=1
cd "$(dirname "$0")/.."
status=0
echo "== tsc --noEmit"
npx tsc --noEmit || status=1
echo "== biome lint"
npx biome lint . || status=1
echo "== vitest"
report="$(mktemp -t dialogym-vitest-XXXXXX.json)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=1
node -e '
const fs = require("fs");
let passed = 0, failed = 0;
try {
  const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  if (r.success === false && failed === 0) failed = Math.max(1, r.numFailedTestSuites ?? 1);
} catch (e) { failed = 1; }
if (passed + failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
' "$report" || status=1
rm -f "$report"
exit $status
