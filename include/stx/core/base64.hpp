// RFC 4648 base64, what data: URLs and the viewer's embedded arrays take.
#pragma once

#include <string>

namespace stx {

std::string base64(const std::string& bytes);

}  // namespace stx
