// A model or checkpoint file stx writes is a TorchScript archive: LibTorch compiles the class
// declarations in its code/ folder when it loads one, and would run any method a file put
// there (a __setstate__ runs at load). stx writes declarations only (attributes and their
// types), so a file whose code holds anything else is refused before LibTorch sees it:
// loading a model stays loading data.
#pragma once

#include <string>

namespace stx {

/// FormatError naming the file, the code record and the line when the archive's code/ holds
/// anything but class declarations with typed attributes; also for a record over 1 MiB.
void check_archive_holds_no_code(const std::string& path);

}  // namespace stx
