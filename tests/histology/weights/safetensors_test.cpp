// The safetensors reader on a file written byte by byte from the published format
// (tests/fixtures/make_fixtures.py), and on damaged copies of it.
#include "stx/histology/weights/weights.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

TEST(Safetensors, ReadsF32F16Bf16) {
  const StateDict w = read_safetensors(test::fixture("weights.safetensors"));
  ASSERT_EQ(w.size(), 3u);  // __metadata__ is not a tensor
  EXPECT_EQ(w.at("a").shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(w.at("a").values, (std::vector<float>{0, 0.25f, 0.5f, 0.75f, 1, 1.25f}));
  EXPECT_EQ(w.at("b").dtype, "F16");
  EXPECT_EQ(w.at("b").values, (std::vector<float>{0, -0.125f, -0.25f, -0.375f}));
  EXPECT_EQ(w.at("c").dtype, "BF16");
  EXPECT_EQ(w.at("c").values, (std::vector<float>{1.5f, -2.25f, 1024.0f}));
}

TEST(Safetensors, StrictMatchingListsEveryDifference) {
  const StateDict w = read_safetensors(test::fixture("weights.safetensors"));
  EXPECT_NO_THROW(check_state_dict(w, {{"a", {2, 3}}, {"b", {4}}, {"c", {3}}}, "w"));
  EXPECT_STX_ERROR(check_state_dict(w, {{"a", {3, 2}}, {"b", {4}}, {"d", {1}}}, "model.safetensors"),
                   FormatError,
                   "model.safetensors: 3 weight mismatch(es): wrong shape a: (2, 3), expected (3, 2); "
                   "missing d (1); unexpected c (3)");
}

TEST(Safetensors, DamagedFiles) {
  test::TempDir dir;
  const std::string whole = test::read_text(test::fixture("weights.safetensors"));
  test::write_text(dir / "cut.safetensors", whole.substr(0, whole.size() - 5));
  EXPECT_STX_ERROR(read_safetensors(dir / "cut.safetensors"), FormatError, "tensor 'c': data_offsets outside");
  test::write_text(dir / "short.safetensors", whole.substr(0, 4));
  EXPECT_STX_ERROR(read_safetensors(dir / "short.safetensors"), FormatError, "too short");
  test::write_text(dir / "pth.safetensors", "PK\x03\x04 this is a zip, not safetensors");
  EXPECT_STX_ERROR(read_safetensors(dir / "pth.safetensors"), FormatError, "does not fit");
  std::string bad_dtype = whole;
  bad_dtype.replace(bad_dtype.find("\"F16\""), 5, "\"U16\"");
  test::write_text(dir / "dtype.safetensors", bad_dtype);
  EXPECT_STX_ERROR(read_safetensors(dir / "dtype.safetensors"), FormatError, "dtype U16 not supported");
  EXPECT_STX_ERROR(read_safetensors(dir / "absent.safetensors"), IoError, "cannot open");
  // JSON of the wrong types in the header (was a raw nlohmann type_error, exit 3)
  std::string bad_type = whole;
  bad_type.replace(bad_type.find("\"F16\""), 5, "16.00");
  test::write_text(dir / "type.safetensors", bad_type);
  EXPECT_STX_ERROR(read_safetensors(dir / "type.safetensors"), FormatError, "dtype must be text");
}

}  // namespace
}  // namespace stx
