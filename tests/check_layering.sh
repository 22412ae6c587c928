#!/usr/bin/env bash
# Fails if an include points up the layers: proto <- catalog <- access <- web <- node;
# cli sees only proto, gRPC, access's shared formats (signing, token, roster,
# endpoint) and web's export formats.
set -u
cd "$(dirname "$0")/.."
bad=0
check() {  # check <folder> <regex of forbidden includes>
  local hits
  hits=$(grep -rnE "#include \"($2)/" "$1" --include='*.h' --include='*.cc' || true)
  if [ -n "$hits" ]; then echo "upward include from $1/:"; echo "$hits"; bad=1; fi
}
check proto 'catalog|access|web|node|cli'
check catalog 'access|web|node|cli'
check access 'node|cli|web'
check web 'node|cli'
check node 'cli'
check cli 'catalog|node'
hits=$(grep -rnE '#include "access/' cli --include='*.h' --include='*.cc' | grep -vE 'access/(signing|token|roster|endpoint)\.h' || true)
if [ -n "$hits" ]; then echo "cli includes access beyond the signed formats:"; echo "$hits"; bad=1; fi
hits=$(grep -rnE '#include "web/' cli --include='*.h' --include='*.cc' | grep -vE 'web/exports\.h' || true)
if [ -n "$hits" ]; then echo "cli includes web beyond the export formats:"; echo "$hits"; bad=1; fi
# Only the gateway sees the HTTP library.
hits=$(grep -rln '#include "httplib.h"' access catalog cli node web --include='*.h' --include='*.cc' | grep -v '^web/gateway\.cc$' || true)
if [ -n "$hits" ]; then echo "httplib.h outside web/gateway.cc:"; echo "$hits"; bad=1; fi
[ $bad -eq 0 ] && echo "layering ok: proto <- catalog <- access <- web <- node; cli over the wire"
exit $bad
