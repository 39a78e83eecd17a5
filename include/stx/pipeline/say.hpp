// How a pipeline run tells its user what it is doing and what it wrote. The caller gives the
// sink: apps/stx prints to stdout; a program linking the library may log the text or drop it.
// Runs never print to stdout themselves.
#pragma once

#include <functional>
#include <string>

namespace stx {

using Say = std::function<void(const std::string& text)>;

/// Passes `text` to `say`, if the caller gave one.
inline void tell(const Say& say, const std::string& text) {
  if (say) say(text);
}

}  // namespace stx
