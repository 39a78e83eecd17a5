// Writing HDF5 (groups, datasets, attributes), as anndata and h5py lay them out; see hdf5_file.hpp.
#include <fmt/format.h>

#include "stx/core/error.hpp"
#include "stx/core/utf8.hpp"
#include "stx/io/hdf5/hdf5_file.hpp"
#include "hdf5_types.hpp"

namespace stx::h5 {
using detail::native_type;
using detail::vlen_utf8_string_type;

void File::create_group(const std::string& group) {
  Handle g(H5Gcreate2(file_.get(), group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!g.valid()) throw IoError(fmt::format("{}: cannot create group '{}'", path_, group));
}

template <typename T>
void File::write_numeric(const std::string& dataset, const std::vector<T>& values,
                         const std::vector<hsize_t>& dims) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  Handle d(H5Dcreate2(file_.get(), dataset.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                      H5P_DEFAULT, H5P_DEFAULT));
  if (!d.valid() || (!values.empty() && H5Dwrite(d.get(), native_type<T>(), H5S_ALL, H5S_ALL,
                                                 H5P_DEFAULT, values.data()) < 0)) {
    throw IoError(fmt::format("{}: cannot write dataset '{}'", path_, dataset));
  }
}

template <typename T>
void File::write_scalar(const std::string& dataset, T value) {
  Handle space(H5Screate(H5S_SCALAR));
  Handle d(H5Dcreate2(file_.get(), dataset.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                      H5P_DEFAULT, H5P_DEFAULT));
  if (!d.valid() ||
      H5Dwrite(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0) {
    throw IoError(fmt::format("{}: cannot write scalar '{}'", path_, dataset));
  }
}

namespace {
// anndata (h5py) cannot read a file whose UTF-8 strings are not UTF-8: refuse to write one.
void check_utf8(const std::string& file, const std::string& dataset, const std::string& value) {
  if (const auto bad = first_invalid_utf8(value))
    throw FormatError(fmt::format("{}: '{}': the text '{}' is not UTF-8 (byte {}); anndata could not read it", file,
                                  dataset, value.substr(0, *bad), *bad + 1));
}
}  // namespace

void File::write_strings(const std::string& dataset, const std::vector<std::string>& values) {
  for (const auto& v : values) check_utf8(path_, dataset, v);
  Handle type = vlen_utf8_string_type();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr));
  Handle d(H5Dcreate2(file_.get(), dataset.c_str(), type.get(), space.get(), H5P_DEFAULT,
                      H5P_DEFAULT, H5P_DEFAULT));
  std::vector<const char*> raw;
  raw.reserve(values.size());
  for (const auto& s : values) raw.push_back(s.c_str());
  if (!d.valid() ||
      (n > 0 && H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)) {
    throw IoError(fmt::format("{}: cannot write strings '{}'", path_, dataset));
  }
}

void File::write_string_scalar(const std::string& dataset, const std::string& value) {
  check_utf8(path_, dataset, value);
  Handle type = vlen_utf8_string_type();
  Handle space(H5Screate(H5S_SCALAR));
  Handle d(H5Dcreate2(file_.get(), dataset.c_str(), type.get(), space.get(), H5P_DEFAULT,
                      H5P_DEFAULT, H5P_DEFAULT));
  const char* raw = value.c_str();
  if (!d.valid() || H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &raw) < 0)
    throw IoError(fmt::format("{}: cannot write string '{}'", path_, dataset));
}

void File::write_attribute(const std::string& object, const std::string& name, hid_t type,
                           const Handle& space, const void* data) {
  Handle attr(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), type, space.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  const bool empty = H5Sget_simple_extent_npoints(space.get()) == 0;
  if (!attr.valid() || (!empty && H5Awrite(attr.get(), type, data) < 0))
    throw IoError(fmt::format("{}: cannot write attribute '{}' of '{}'", path_, name, object));
}

void File::write_string_attribute(const std::string& object, const std::string& name,
                                  const std::string& value) {
  const char* raw = value.c_str();
  write_attribute(object, name, vlen_utf8_string_type().get(), Handle(H5Screate(H5S_SCALAR)),
                  &raw);
}

void File::write_string_array_attribute(const std::string& object, const std::string& name,
                                        const std::vector<std::string>& values) {
  const hsize_t n = values.size();
  std::vector<const char*> raw;
  for (const auto& s : values) raw.push_back(s.c_str());
  write_attribute(object, name, vlen_utf8_string_type().get(),
                  Handle(H5Screate_simple(1, &n, nullptr)), raw.data());
}

void File::write_int_array_attribute(const std::string& object, const std::string& name,
                                     const std::vector<int64_t>& values) {
  const hsize_t n = values.size();
  write_attribute(object, name, H5T_NATIVE_INT64, Handle(H5Screate_simple(1, &n, nullptr)),
                  values.data());
}

void File::write_bool_attribute(const std::string& object, const std::string& name, bool value) {
  // h5py stores numpy bools as an int8 enum {FALSE, TRUE}; anndata reads it back as a bool.
  Handle type(H5Tenum_create(H5T_NATIVE_INT8));
  int8_t f = 0, t = 1;
  H5Tenum_insert(type.get(), "FALSE", &f);
  H5Tenum_insert(type.get(), "TRUE", &t);
  const int8_t raw = value ? 1 : 0;
  write_attribute(object, name, type.get(), Handle(H5Screate(H5S_SCALAR)), &raw);
}

template void File::write_numeric<double>(const std::string&, const std::vector<double>&,
                                          const std::vector<hsize_t>&);
template void File::write_numeric<float>(const std::string&, const std::vector<float>&,
                                         const std::vector<hsize_t>&);
template void File::write_numeric<int64_t>(const std::string&, const std::vector<int64_t>&,
                                           const std::vector<hsize_t>&);
template void File::write_numeric<int32_t>(const std::string&, const std::vector<int32_t>&,
                                           const std::vector<hsize_t>&);
template void File::write_numeric<uint8_t>(const std::string&, const std::vector<uint8_t>&,
                                           const std::vector<hsize_t>&);
template void File::write_numeric<int8_t>(const std::string&, const std::vector<int8_t>&,
                                          const std::vector<hsize_t>&);
template void File::write_scalar<double>(const std::string&, double);


}  // namespace stx::h5
