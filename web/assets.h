// The page's files, built into the binary (web/embed_assets.cmake turns
// web/assets/ into a generated .cc): the node serves them offline, and no
// request can reach a file outside them.
#ifndef BIBIA_WEB_ASSETS_H_
#define BIBIA_WEB_ASSETS_H_

#include <string_view>

namespace bibia::web {

struct Asset {
  std::string_view path;          // relative to web/assets, e.g. "app.js"
  std::string_view content_type;  // from the file's extension
  std::string_view body;
};

// The asset at `path` (relative, no leading '/'), or null.
const Asset* FindAsset(std::string_view path);

}  // namespace bibia::web

#endif  // BIBIA_WEB_ASSETS_H_
