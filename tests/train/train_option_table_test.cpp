// The one table of numeric training options: each option's declared range is exactly what
// check_train_options accepts (its ends pass, one step beyond fails naming the flag), flags
// and keys are unique, and config.json / the resume fingerprint carry every key they should.
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "stx/train/train_option_table.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

void set(const NumericTrainOption& option, TrainOptions& o, double v) {
  std::visit([&](auto* p) { *p = static_cast<std::remove_pointer_t<decltype(p)>>(v); }, option.field(o));
}

// Options valid with `option` at `v`: the width follows the heads so that they divide it.
TrainOptions with(const NumericTrainOption& option, double v) {
  TrainOptions o;
  set(option, o, v);
  if (option.key == "heads" && v >= option.min && v <= option.max) o.model.width = o.model.heads;
  if (option.key == "width") o.model.heads = 1;
  return o;
}

TEST(TrainOptionTable, DeclaredRangesAreWhatTheLibraryAccepts) {
  for (const auto& option : numeric_train_options()) {
    const std::string name = option.flag.empty() ? option.key : option.flag;
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(check_train_options(with(option, option.min)));
    EXPECT_NO_THROW(check_train_options(with(option, option.max)));
    const double below = option.integer ? option.min - 1 : option.min - std::max(1e-9, std::abs(option.min) * 0.5);
    const double above = option.integer ? option.max + 1 : option.max * 2 + 1;
    EXPECT_STX_ERROR(check_train_options(with(option, below)), ConfigError, name + ": expected");
    EXPECT_STX_ERROR(check_train_options(with(option, above)), ConfigError, name + ": expected");
    if (!option.integer) EXPECT_STX_ERROR(check_train_options(with(option, std::nan(""))), ConfigError, name);
  }
}

TEST(TrainOptionTable, DefaultsAreInRangeAndNamesUnique) {
  const TrainOptions defaults;
  std::set<std::string> flags, keys;
  for (const auto& option : numeric_train_options()) {
    const double v = train_option_value(option, defaults);
    EXPECT_TRUE(v >= option.min && v <= option.max) << option.key << " default " << v;
    EXPECT_TRUE(keys.insert(option.key).second) << option.key;
    if (!option.flag.empty()) {
      EXPECT_TRUE(flags.insert(option.flag).second) << option.flag;
    }
    EXPECT_EQ(option.integer, std::holds_alternative<int64_t*>(option.field(const_cast<TrainOptions&>(defaults))))
        << option.key;
  }
  EXPECT_GE(flags.size(), 18u);  // the 18 that issue #31 found stated twice, and more
}

TEST(TrainOptionTable, JsonCarriesEveryOptionAndTheFingerprintItsShare) {
  TrainOptions o;
  o.warmup_fraction = 0.2;
  o.ensemble = 3;
  const nlohmann::json all = train_options_json(o), fingerprint = train_options_json(o, true);
  EXPECT_EQ(all.size(), numeric_train_options().size());
  EXPECT_EQ(all.at("warmup_fraction"), 0.2);  // config.json once left these out
  for (const char* key : {"clip_norm", "patience", "slides_per_step", "warmup_fraction"})
    EXPECT_TRUE(all.contains(key) && fingerprint.contains(key)) << key;
  EXPECT_EQ(all.at("ensemble"), 3);
  EXPECT_FALSE(fingerprint.contains("ensemble"));  // each member resumes on its own
  EXPECT_FALSE(fingerprint.contains("checkpoint_every"));
}

}  // namespace
}  // namespace stx
