// HDF5 C API wrapped with checks; see hdf5_file.hpp.
#include "stx/io/hdf5/hdf5_file.hpp"

#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/core/utf8.hpp"
#include "hdf5_types.hpp"

namespace stx::h5 {
using detail::native_type;
using detail::vlen_utf8_string_type;
namespace {

// HDF5 prints a stack trace to stderr on every failed call unless told not to; our errors
// carry the message instead.
void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

// The memory type to read variable-length strings stored as `stored`: HDF5 converts no
// character set into another, and h5py writes object strings as ASCII (Xenium's matrices)
// where anndata writes UTF-8.
Handle vlen_string_type_like(hid_t stored) {
  Handle type = vlen_utf8_string_type();
  H5Tset_cset(type.get(), H5Tget_cset(stored) == H5T_CSET_ASCII ? H5T_CSET_ASCII : H5T_CSET_UTF8);
  return type;
}

}  // namespace

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    other.id_ = -1;
  }
  return *this;
}

void Handle::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: H5Oclose(id_); break;
  }
  id_ = -1;
}

File File::open_read(const std::string& path) {
  silence_hdf5();
  STX_CHECK(std::filesystem::is_regular_file(path), IoError, "{}: file not found", path);
  STX_CHECK(H5Fis_hdf5(path.c_str()) > 0, FormatError,
            "{}: not an HDF5 file (or its header is damaged)", path);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  STX_CHECK(file.valid(), FormatError, "{}: cannot open as HDF5 (truncated or corrupt file)",
            path);
  return File(std::move(file), path);
}

File File::create(const std::string& path, const std::string& display_path) {
  silence_hdf5();
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  STX_CHECK(file.valid(), IoError, "{}: cannot create HDF5 file", display_path);
  return File(std::move(file), display_path);
}

void File::fail(const std::string& object, const std::string& what) const {
  throw FormatError(fmt::format("{}: '{}': {}", path_, object, what));
}

bool File::exists(const std::string& object) const {
  // H5Lexists needs every intermediate link to exist, so walk the path.
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = object.find('/', pos + 1);
    const std::string prefix = object.substr(0, pos);
    if (prefix.empty() || prefix == "/") continue;
    if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

Handle File::open_object(const std::string& object) const {
  if (!exists(object)) fail(object, "missing");
  Handle handle(H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT));
  if (!handle.valid()) fail(object, "cannot be opened (corrupt file?)");
  return handle;
}

bool File::is_group(const std::string& object) const {
  if (!exists(object)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(file_.get(), object.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_GROUP;
}

bool File::is_dataset(const std::string& object) const {
  if (!exists(object)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(file_.get(), object.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_DATASET;
}

H5T_class_t File::dataset_class(const std::string& object) const {
  if (!is_dataset(object)) return H5T_NO_CLASS;
  Handle d = open_object(object);
  Handle type(H5Dget_type(d.get()));
  return H5Tget_class(type.get());
}

bool File::is_string_dataset(const std::string& object) const { return dataset_class(object) == H5T_STRING; }

bool File::is_integer_dataset(const std::string& object) const { return dataset_class(object) == H5T_INTEGER; }

bool File::is_numeric_dataset(const std::string& object) const {
  const H5T_class_t kind = dataset_class(object);
  return kind == H5T_INTEGER || kind == H5T_FLOAT;
}

std::vector<std::string> File::children(const std::string& group) const {
  Handle g = open_object(group);
  H5G_info_t info;
  if (H5Gget_info(g.get(), &info) < 0) fail(group, "is not a group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr,
                                         0, H5P_DEFAULT);
    if (n < 0 || n > 65535) fail(group, "has a member whose name cannot be read (corrupt file?)");
    std::string name(static_cast<size_t>(n), '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1,
                       H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

std::vector<int64_t> File::dataset_dims(const std::string& dataset) const {
  Handle d = open_object(dataset);
  Handle space(H5Dget_space(d.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(dataset, "has no readable shape");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<int64_t>(dims.begin(), dims.end());
}

int64_t File::element_count(const std::string& dataset, hid_t d, size_t element_size) const {
  // A damaged header can declare any shape; memory is only allocated for what the file can
  // hold: its stored bytes, inflated by at most gzip's ratio (~1032:1), plus a little.
  constexpr int64_t kMaxElements = int64_t{1} << 40;
  int64_t count = 1;
  for (int64_t n : dataset_dims(dataset)) {
    if (n < 0 || (n > 0 && count > kMaxElements / n)) fail(dataset, "declares an impossible shape (corrupt file?)");
    count *= n;
  }
  const double stored = static_cast<double>(H5Dget_storage_size(d));
  if (static_cast<double>(count) * static_cast<double>(element_size) > stored * 1100.0 + 65536.0)
    fail(dataset, fmt::format("declares {} values but stores only {} bytes (truncated or corrupt file?)", count,
                              static_cast<uint64_t>(stored)));
  return count;
}

template <typename T>
std::vector<T> File::read_numeric(const std::string& dataset) const {
  Handle d = open_object(dataset);
  if (!is_dataset(dataset)) fail(dataset, "expected a dataset, found a group");
  Handle type(H5Dget_type(d.get()));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) fail(dataset, "expected numbers");
  const int64_t count = element_count(dataset, d.get(), H5Tget_size(type.get()));
  std::vector<T> values(static_cast<size_t>(count));
  if (count > 0 && H5Dread(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           values.data()) < 0) {
    fail(dataset, "read failed (truncated or corrupt data)");
  }
  return values;
}

std::vector<std::string> File::read_strings(const std::string& dataset) const {
  Handle d = open_object(dataset);
  Handle type(H5Dget_type(d.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) fail(dataset, "expected strings");
  const int64_t count = element_count(dataset, d.get(), H5Tget_size(type.get()));
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(count));
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem = vlen_string_type_like(type.get());
    std::vector<char*> raw(static_cast<size_t>(count), nullptr);
    if (count > 0 && H5Dread(d.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      fail(dataset, "read failed (truncated or corrupt data)");
    for (char* s : raw) out.emplace_back(s ? s : "");
    Handle space(H5Dget_space(d.get()));
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, raw.data());
  } else {
    const size_t width = H5Tget_size(type.get());
    std::vector<char> raw(static_cast<size_t>(count) * width);
    if (count > 0 && H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      fail(dataset, "read failed (truncated or corrupt data)");
    for (int64_t i = 0; i < count; ++i) {
      const char* s = raw.data() + i * width;
      out.emplace_back(s, strnlen(s, width));  // fixed strings are NUL-padded
    }
  }
  return out;
}

bool File::has_attribute(const std::string& object, const std::string& name) const {
  if (!exists(object)) return false;
  return H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::string File::read_string_attribute(const std::string& object,
                                        const std::string& name) const {
  if (!has_attribute(object, name)) fail(object, "missing attribute '" + name + "'");
  Handle attr(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT,
                              H5P_DEFAULT));
  Handle type(H5Aget_type(attr.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) fail(object, "attribute '" + name + "' is not text");
  Handle space(H5Aget_space(attr.get()));
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 1) return "";
  if (count > 65536) fail(object, "attribute '" + name + "' holds too many values (corrupt file?)");
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem = vlen_string_type_like(type.get());
    std::vector<char*> raw(static_cast<size_t>(count), nullptr);
    H5Aread(attr.get(), mem.get(), raw.data());
    std::string value = raw[0] ? raw[0] : "";
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, raw.data());
    return value;
  }
  const size_t width = H5Tget_size(type.get());
  std::vector<char> raw(static_cast<size_t>(count) * width);
  H5Aread(attr.get(), type.get(), raw.data());
  return std::string(raw.data(), strnlen(raw.data(), width));
}

std::vector<int64_t> File::read_int_attribute(const std::string& object,
                                              const std::string& name) const {
  if (!has_attribute(object, name)) fail(object, "missing attribute '" + name + "'");
  Handle attr(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT,
                              H5P_DEFAULT));
  Handle space(H5Aget_space(attr.get()));
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count > 65536) fail(object, "attribute '" + name + "' holds too many values (corrupt file?)");
  std::vector<int64_t> values(static_cast<size_t>(std::max<hssize_t>(count, 0)));
  if (count > 0 && H5Aread(attr.get(), H5T_NATIVE_INT64, values.data()) < 0)
    fail(object, "attribute '" + name + "' is not numeric");
  return values;
}

void File::close() {
  if (!file_.valid()) return;
  // H5Fclose invalidates the id whatever happens, so the Handle must not close it again.
  const herr_t status = H5Fclose(file_.release());
  STX_CHECK(status >= 0, IoError, "{}: failed to flush and close", path_);
}

template std::vector<double> File::read_numeric<double>(const std::string&) const;
template std::vector<float> File::read_numeric<float>(const std::string&) const;
template std::vector<int64_t> File::read_numeric<int64_t>(const std::string&) const;
template std::vector<int32_t> File::read_numeric<int32_t>(const std::string&) const;
template std::vector<uint8_t> File::read_numeric<uint8_t>(const std::string&) const;
}  // namespace stx::h5
