// A small RAII layer over the HDF5 C API: just what the 10x .h5 and AnnData .h5ad readers and
// writer need (groups, attributes, 1-D/2-D numeric and string datasets). Every failure
// becomes an stx error naming the file and the object path; HDF5's own stderr dump is off.
// Not a general HDF5 binding: no chunking control, compound types or partial I/O yet.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace stx::h5 {

/// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();
  /// Gives up ownership without closing.
  hid_t release() {
    const hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_ = -1;
};

class File {
 public:
  /// Opens read-only. IoError if missing, FormatError if not HDF5 (or truncated).
  static File open_read(const std::string& path);
  /// Creates or truncates a file for writing.
  static File create(const std::string& path, const std::string& display_path);

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }

  bool exists(const std::string& object) const;  // any path, nested components checked
  bool is_group(const std::string& object) const;
  bool is_dataset(const std::string& object) const;
  bool is_string_dataset(const std::string& object) const;   // a dataset of text
  bool is_integer_dataset(const std::string& object) const;  // of any integer width
  bool is_numeric_dataset(const std::string& object) const;  // integers or floats
  H5T_class_t dataset_class(const std::string& object) const;  // H5T_NO_CLASS: not a dataset
  std::vector<std::string> children(const std::string& group) const;

  std::vector<int64_t> dataset_dims(const std::string& dataset) const;
  /// Numeric dataset converted by HDF5 to T (double, float, int64_t, int32_t, uint8_t).
  template <typename T>
  std::vector<T> read_numeric(const std::string& dataset) const;
  /// Fixed- or variable-length string dataset.
  std::vector<std::string> read_strings(const std::string& dataset) const;

  bool has_attribute(const std::string& object, const std::string& name) const;
  std::string read_string_attribute(const std::string& object, const std::string& name) const;
  std::vector<int64_t> read_int_attribute(const std::string& object,
                                          const std::string& name) const;

  // ---- writing ----
  void create_group(const std::string& group);
  template <typename T>
  void write_numeric(const std::string& dataset, const std::vector<T>& values,
                     const std::vector<hsize_t>& dims);
  template <typename T>
  void write_scalar(const std::string& dataset, T value);
  void write_strings(const std::string& dataset, const std::vector<std::string>& values);
  void write_string_scalar(const std::string& dataset, const std::string& value);
  void write_string_attribute(const std::string& object, const std::string& name,
                              const std::string& value);
  void write_string_array_attribute(const std::string& object, const std::string& name,
                                    const std::vector<std::string>& values);
  void write_int_array_attribute(const std::string& object, const std::string& name,
                                 const std::vector<int64_t>& values);
  void write_bool_attribute(const std::string& object, const std::string& name, bool value);

  /// Flushes and closes; errors surface here rather than in a destructor.
  void close();

 private:
  File(Handle file, std::string path) : file_(std::move(file)), path_(std::move(path)) {}
  Handle open_object(const std::string& object) const;
  /// The number of values of open dataset `d`, refused when the shape is impossible or larger
  /// than what the file stores could hold.
  int64_t element_count(const std::string& dataset, hid_t d, size_t element_size) const;
  void write_attribute(const std::string& object, const std::string& name, hid_t type,
                       const Handle& space, const void* data);
  [[noreturn]] void fail(const std::string& object, const std::string& what) const;

  Handle file_;
  std::string path_;
};

}  // namespace stx::h5
