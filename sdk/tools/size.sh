#!/usr/bin/env bash
# The SDK's size as an integrator gets it: the packed package installed (the
# package alone, and with its dependencies), and a bundle of an app that uses
# only createClient (esbuild, minified, for Node, gzipped). Run from the
# repository root: bash sdk/tools/size.sh
set -euo pipefail
root="$(pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$work/$(npm pack --workspace sdk --pack-destination "$work" --silent)"
mkdir "$work/app" && cd "$work/app"
echo '{"name":"size-app","private":true,"type":"module"}' > package.json
npm install --prefer-offline --no-audit --no-fund --silent "$tarball"
echo "tarball: $(stat -c %s "$tarball") bytes"
echo "installed, the package alone: $(du -sb node_modules/@parkpass/sdk | cut -f1) bytes"
echo "installed, with its dependencies: $(du -sb node_modules | cut -f1) bytes"
printf "import { createClient } from '@parkpass/sdk';\nconst parkpass = createClient({ url: 'http://localhost/graphql', apiKey: 'ppk_x' });\nconsole.log((await parkpass.viewer()).role);\n" > app.js
"$root/node_modules/.bin/esbuild" app.js --bundle --minify --format=esm --platform=node --outfile=bundle.js --log-level=warning
echo "bundle using only createClient: $(stat -c %s bundle.js) bytes, $(gzip -9 -c bundle.js | wc -c) gzipped"
