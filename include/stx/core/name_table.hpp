// One table per vocabulary (input formats, scoring methods, grids, encoders, devices): the
// names a user types, the value each stands for, parsing with the one error text, printing,
// and the choice list the CLI checks against. Declared once, next to the enum it names.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "stx/core/error.hpp"

namespace stx {

template <typename Value>
class NameTable {
 public:
  /// `option` and `noun` make the error: "--format: unknown format 'x' (choose auto, ...)".
  NameTable(std::string option, std::string noun, std::vector<std::pair<Value, std::string>> entries)
      : option_(std::move(option)), noun_(std::move(noun)), entries_(std::move(entries)) {}

  Value parse(const std::string& name) const {
    for (const auto& [value, n] : entries_)
      if (n == name) return value;
    throw ConfigError(fmt::format("{}: unknown {} '{}' (choose {})", option_, noun_, name, fmt::join(names(), ", ")));
  }

  const std::string& name(Value value) const {
    for (const auto& [v, n] : entries_)
      if (v == value) return n;
    throw std::logic_error(fmt::format("{}: a {} without a name", option_, noun_));
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : entries_) out.push_back(entry.second);
    return out;
  }

 private:
  std::string option_, noun_;
  std::vector<std::pair<Value, std::string>> entries_;
};

/// Where LibTorch runs (--device): "cpu", "cuda", or "auto" (CUDA when this LibTorch sees one).
inline const std::vector<std::string>& device_names() {
  static const std::vector<std::string> names = {"cpu", "cuda", "auto"};
  return names;
}

}  // namespace stx
