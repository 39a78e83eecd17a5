// The feature cache's checkpoints (#16): a long encode saves what it has done, an interrupted
// one resumes where it stopped with the same features as an uninterrupted run, and a
// checkpoint of another key, or a damaged one, is not trusted.
#include <opencv2/imgcodecs.hpp>

#include <filesystem>

#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/encoders/feature_cache.hpp"
#include "stx/io/hdf5/hdf5_file.hpp"
#include "stx/io/image/image.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

// Two features per spot from its coordinates; records the ranges it is asked for and fails
// (as a killed run would stop) when it reaches spot `fail_at`.
class RecordingEncoder final : public Encoder {
 public:
  std::string identity() const override { return "recording-v1"; }
  std::vector<std::string> feature_names() const override { return {"x", "y"}; }
  std::vector<float> encode_spots(const Slide& slide, int64_t begin, int64_t end, std::vector<uint8_t>& off_image,
                                  Progress& progress) const override {
    ranges.emplace_back(begin, end);
    std::vector<float> out;
    off_image.clear();
    for (int64_t i = begin; i < end; ++i) {
      if (i == fail_at) throw IoError("interrupted");
      out.push_back(static_cast<float>(slide.pixel_x[i]));
      out.push_back(static_cast<float>(slide.pixel_y[i]));
      off_image.push_back(i % 3 == 0);
    }
    progress.update(end);
    return out;
  }
  mutable std::vector<std::pair<int64_t, int64_t>> ranges;
  int64_t fail_at = -1;
};

Slide grid_slide(const test::TempDir& dir, int64_t n) {
  cv::imwrite(dir / "image.png", cv::Mat(64, 64, CV_8UC3, cv::Scalar(200, 150, 220)));
  Slide s;
  s.name = "grid";
  s.source_path = dir / "image.png";
  s.image = open_image(dir / "image.png");
  s.um_per_px = 0.5;
  for (int64_t i = 0; i < n; ++i) {
    s.spot_ids.push_back("s" + std::to_string(i));
    s.pixel_x.push_back(static_cast<double>(i % 8) * 8);
    s.pixel_y.push_back(static_cast<double>(i / 8) * 8);
  }
  return s;
}

TEST(FeatureCache, AnInterruptedEncodeResumesFromItsCheckpoint) {
  test::TempDir dir;
  const Slide slide = grid_slide(dir, 50);
  const PatchGeometry patch{8.0, 16};
  const EncodeCheckpoints every_chunk{10, 0.0};
  RecordingEncoder whole;
  const CacheResult reference = encode_with_cache(slide, whole, patch, dir / "reference", false, every_chunk);
  EXPECT_EQ(whole.ranges.size(), 5u);

  RecordingEncoder killed;
  killed.fail_at = 34;  // in the fourth chunk: three are saved
  EXPECT_STX_ERROR(encode_with_cache(slide, killed, patch, dir / "cache", false, every_chunk), IoError,
                   "interrupted");
  const std::string cache_path = dir / "cache" / std::filesystem::path(reference.path).filename();
  const std::string partial = checkpoint_path(cache_path);
  ASSERT_TRUE(std::filesystem::exists(partial));
  EXPECT_FALSE(std::filesystem::exists(cache_path));
  EXPECT_EQ(load_features(partial, slide).n_spots(), 30);

  RecordingEncoder resumed;
  const CacheResult finished = encode_with_cache(slide, resumed, patch, dir / "cache", false, every_chunk);
  const std::vector<std::pair<int64_t, int64_t>> rest{{30, 40}, {40, 50}};
  EXPECT_EQ(resumed.ranges, rest);  // only the spots the checkpoint lacked
  EXPECT_EQ(finished.features.values, reference.features.values);
  EXPECT_EQ(finished.features.off_image, reference.features.off_image);
  EXPECT_EQ(finished.features.n_spots(), slide.n_spots());
  EXPECT_EQ(h5::File::open_read(cache_path).read_strings("/spot_ids"), slide.spot_ids);
  EXPECT_EQ(h5::File::open_read(cache_path).read_numeric<double>("/spatial"),
            h5::File::open_read(reference.path).read_numeric<double>("/spatial"));
  EXPECT_FALSE(std::filesystem::exists(partial));  // the finished cache file replaces it
  EXPECT_EQ(load_features(cache_path, slide).values, reference.features.values);
}

TEST(FeatureCache, ACheckpointOfAnotherKeyOrDamagedIsNotTrusted) {
  test::TempDir dir;
  Slide slide = grid_slide(dir, 30);
  const PatchGeometry patch{8.0, 16};
  const EncodeCheckpoints every_chunk{10, 0.0};
  RecordingEncoder killed;
  killed.fail_at = 25;
  EXPECT_STX_ERROR(encode_with_cache(slide, killed, patch, dir / "cache", false, every_chunk), IoError,
                   "interrupted");
  const auto partials = [&] {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "cache"))
      if (entry.path().string().find(".partial.h5") != std::string::npos) found.push_back(entry.path());
    return found;
  };
  ASSERT_EQ(partials().size(), 1u);
  const std::string partial = partials()[0];
  // A checkpoint renamed onto another spot set's cache file: its key differs, so not used.
  Slide moved = slide;
  moved.pixel_x[3] += 1;
  RecordingEncoder first;
  const std::string moved_path = encode_with_cache(moved, first, patch, dir / "cache", false, every_chunk).path;
  std::filesystem::remove(moved_path);
  std::filesystem::copy_file(partial, checkpoint_path(moved_path));
  RecordingEncoder fresh;
  const CacheResult redone = encode_with_cache(moved, fresh, patch, dir / "cache", false, every_chunk);
  EXPECT_EQ(fresh.ranges.front().first, 0);
  EXPECT_EQ(redone.features.values[6], 25.0f);  // spot 3's moved x, not the checkpoint's 24
  // --overwrite starts over even with a matching checkpoint.
  RecordingEncoder overwrite;
  encode_with_cache(slide, overwrite, patch, dir / "cache", true, every_chunk);
  EXPECT_EQ(overwrite.ranges.front().first, 0);
  // A damaged checkpoint: a warning, and the encode starts from the first spot.
  killed.ranges.clear();
  std::filesystem::remove_all(dir / "cache");
  EXPECT_STX_ERROR(encode_with_cache(slide, killed, patch, dir / "cache", false, every_chunk), IoError,
                   "interrupted");
  ASSERT_EQ(partials().size(), 1u);
  test::write_text(partials()[0], "not HDF5");
  RecordingEncoder after_damage;
  const CacheResult done = encode_with_cache(slide, after_damage, patch, dir / "cache", false, every_chunk);
  EXPECT_EQ(after_damage.ranges.front().first, 0);
  EXPECT_EQ(done.features.n_spots(), slide.n_spots());
}

}  // namespace
}  // namespace stx
