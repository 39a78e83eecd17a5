// Prints a Parquet file as stx reads it, in the JSON that tests/parquet/dump.mjs prints
// through hyparquet: {"rows": N, "columns": {"name": [values, null for a null]}}, 64-bit
// integers as decimal strings, booleans as 0/1, NaN and infinities as strings.
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>

#include "stx/core/error.hpp"
#include "stx/io/parquet/parquet.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: stx_parquet_dump FILE.parquet\n";
    return 2;
  }
  try {
    const stx::ParquetTable table = stx::read_parquet(argv[1]);
    nlohmann::ordered_json out, columns = nlohmann::ordered_json::object();
    out["rows"] = table.rows;
    for (const auto& c : table.columns) {
      nlohmann::ordered_json values = nlohmann::ordered_json::array();
      for (size_t i = 0; i < c.valid.size(); ++i) {
        if (!c.valid[i]) {
          values.push_back(nullptr);
        } else if (c.type == stx::ParquetType::Int64) {
          values.push_back(std::to_string(c.ints[i]));
        } else if (c.type == stx::ParquetType::Int32 || c.type == stx::ParquetType::Boolean) {
          values.push_back(c.ints[i]);
        } else if (c.type == stx::ParquetType::Float || c.type == stx::ParquetType::Double) {
          const double v = c.reals[i];
          if (std::isfinite(v)) values.push_back(v);
          else values.push_back(std::isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity"));
        } else {
          values.push_back(c.strings[i]);
        }
      }
      columns[c.name] = std::move(values);
    }
    out["columns"] = std::move(columns);
    std::cout << out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } catch (const stx::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}
