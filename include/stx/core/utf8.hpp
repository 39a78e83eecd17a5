// UTF-8 validation. Strings that stx writes into .h5ad files must be UTF-8 (anndata and h5py
// refuse anything else), and text read from users' files (a Latin-1 GMT, a CSV from Excel) may
// not be: such input is refused where it is read, naming the file and line.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace stx {

/// The offset of the first byte that does not continue valid UTF-8 (an overlong form, a
/// surrogate or a code point beyond U+10FFFF included), or nullopt when `text` is valid.
std::optional<size_t> first_invalid_utf8(std::string_view text);

}  // namespace stx
