// HDF5 types shared by hdf5_file.cpp (reading) and hdf5_file_write.cpp (writing).
#pragma once

#include <cstdint>

#include "stx/io/hdf5/hdf5_file.hpp"

namespace stx::h5::detail {

template <typename T>
hid_t native_type();
template <> inline hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> inline hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> inline hid_t native_type<int64_t>() { return H5T_NATIVE_INT64; }
template <> inline hid_t native_type<int32_t>() { return H5T_NATIVE_INT32; }
template <> inline hid_t native_type<uint8_t>() { return H5T_NATIVE_UINT8; }
template <> inline hid_t native_type<int8_t>() { return H5T_NATIVE_INT8; }

// A variable-length UTF-8 string type (anndata's).
inline Handle vlen_utf8_string_type() {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

}  // namespace stx::h5::detail
