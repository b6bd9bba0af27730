#!/usr/bin/env bash
# `npm run check:packages`: every publishable package, packed as npm would publish it, passes
# publint (package.json, exports, files, bin) and, for those that export modules, Are the Types Wrong (its types resolve under
# `node16` and `bundler` resolution; ESM only, so the CommonJS and node10 rows are not judged).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
node node_modules/typescript/bin/tsc -b tsconfig.build.json
for dir in packages/*/; do
  if node -e "process.exit(require('./${dir}package.json').private ? 0 : 1)"; then continue; fi
  echo "== $(node -p "require('./${dir}package.json').name")"
  # A package with no exports (create-syncline: only a bin) has no types to check.
  if node -e "process.exit(require('./${dir}package.json').exports ? 1 : 0)"; then
    (cd "$dir" && npx publint --strict)
  else
    (cd "$dir" && npx publint --strict && npx attw --pack . --profile esm-only --format table-flipped)
  fi
done
