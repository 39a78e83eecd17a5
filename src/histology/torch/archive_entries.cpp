#include "archive_entries.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <memory>

#include "stx/core/error.hpp"

namespace stx {

std::map<std::string, ArchiveEntry> read_archive_entries(const std::string& path) {
  int error = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> archive(zip_open(path.c_str(), ZIP_RDONLY, &error), &zip_discard);
  if (!archive) {
    zip_error_t e;
    zip_error_init_with_code(&e, error);
    const std::string reason = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw FormatError(fmt::format("{}: unreadable PyTorch archive: {} (its zip directory)", path, reason));
  }
  std::map<std::string, ArchiveEntry> entries;
  const zip_int64_t n = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    STX_CHECK(zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) == 0 &&
                  (st.valid & ZIP_STAT_NAME) && (st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE),
              FormatError, "{}: zip entry {} has no name or size", path, i);
    const std::string name = st.name;
    STX_CHECK(st.size <= kMaxArchiveEntryBytes, FormatError,
              "{}: archive entry '{}' declares {} bytes (more than the {} GiB any weights need)", path, name,
              st.size, kMaxArchiveEntryBytes >> 30);
    STX_CHECK(st.size <= (uint64_t{64} << 20) || st.size / kMaxInflationRatio <= st.comp_size, FormatError,
              "{}: archive entry '{}' would inflate {} bytes from {} (more than {}:1, a zip bomb?); refused",
              path, name, st.size, st.comp_size, kMaxInflationRatio);
    const size_t slash = name.find('/');
    entries[slash == std::string::npos ? name : name.substr(slash + 1)] = {st.size, st.comp_size};
  }
  return entries;
}

}  // namespace stx
