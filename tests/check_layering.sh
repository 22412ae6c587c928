#!/usr/bin/env bash
# Fails if an include points up the layers: proto <- catalog <- access <- node;
# cli sees only proto, gRPC and access's shared formats (signing, token, roster,
# endpoint).
set -u
cd "$(dirname "$0")/.."
bad=0
check() {  # check <folder> <regex of forbidden includes>
  local hits
  hits=$(grep -rnE "#include \"($2)/" "$1" --include='*.h' --include='*.cc' || true)
  if [ -n "$hits" ]; then echo "upward include from $1/:"; echo "$hits"; bad=1; fi
}
check catalog 'access|node|cli'
check access 'node|cli'
check node 'cli'
check cli 'catalog|node'
hits=$(grep -rnE '#include "access/' cli --include='*.h' --include='*.cc' | grep -vE 'access/(signing|token|roster|endpoint)\.h' || true)
if [ -n "$hits" ]; then echo "cli includes access beyond the signed formats:"; echo "$hits"; bad=1; fi
[ $bad -eq 0 ] && echo "layering ok: proto <- catalog <- access <- node; cli over the wire"
exit $bad
