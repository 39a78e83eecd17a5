// The image handle: header probing, µm-exact crops, padding off the edge, scaled images.
// Inputs are drawn in the test so that every expected pixel can be worked out by hand; the
// JPEG decoder against OpenCV on a real H&E, and on a corrupt scan that OpenCV lets through.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <utility>
#include <iterator>

#include "image/image_backends.hpp"
#include "image/tiff_tiles.hpp"
#include "image/jpeg_decode.hpp"
#include "image/png_decode.hpp"
#include "stx/io/image/image.hpp"
#include "test_support.hpp"
#include "tiff_tag_patch.hpp"

namespace stx {
namespace {

// A 400 x 200 (w x h) RGB image whose red channel is x / 2 and green channel is y.
cv::Mat gradient() {
  cv::Mat rgb(200, 400, CV_8UC3);
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x) rgb.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x / 2), static_cast<uchar>(y), 100);
  return rgb;
}

std::string save(const test::TempDir& dir, const std::string& name, const cv::Mat& rgb) {
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  cv::imwrite(dir / name, bgr);
  return dir / name;
}

TEST(ImageOnSharedData, HeaderProbeMatchesDecodedSize) {
  test::TempDir dir;
  const cv::Mat rgb = gradient();
  for (const char* name : {"g.png", "g.jpg"}) {
    EXPECT_EQ(probe_image_size(save(dir, name, rgb)), cv::Size(400, 200)) << name;
  }
  EXPECT_EQ(probe_image_size(test::shared_data("her2st/images/C2.jpg")), cv::Size(9274, 9911));
  EXPECT_EQ(probe_image_size(test::shared_data("squidpy_visium_fixture/test_img.jpg")),
            cv::Size(950, 1717));
}

TEST(Image, CropPatchUmIsCentredAndScaled) {
  test::TempDir dir;
  const auto image = open_image(save(dir, "g.png", gradient()));
  EXPECT_EQ(image->backend(), "raster");
  // 40 µm at 0.5 µm/px = 80 px around (200, 100), shrunk to 20 px: each output pixel averages
  // a 4 x 4 block, so pixel (i, j) has red = (160 + 4i + 1.5) / 2 and green = 60 + 4j + 1.5.
  const cv::Mat patch = crop_patch_um(*image, 200, 100, 40, 0.5, 20);
  ASSERT_EQ(patch.size(), cv::Size(20, 20));
  for (int j : {0, 7, 19})
    for (int i : {0, 11, 19}) {
      const cv::Vec3b p = patch.at<cv::Vec3b>(j, i);
      EXPECT_NEAR(p[0], (160 + 4 * i + 1.5) / 2.0, 1.0) << i << "," << j;
      EXPECT_NEAR(p[1], 60 + 4 * j + 1.5, 1.0) << i << "," << j;
      EXPECT_EQ(p[2], 100);
    }
}

TEST(Image, OffImageAreaIsWhite) {
  test::TempDir dir;
  const auto image = open_image(save(dir, "g.png", gradient()));
  // A 20 px region centred on the top-left corner: the upper-left quadrant is off the image.
  const cv::Mat patch = image->read_region(cv::Rect2d(-10, -10, 20, 20), cv::Size(20, 20));
  EXPECT_EQ(patch.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(patch.at<cv::Vec3b>(15, 15), cv::Vec3b(2, 5, 100));  // image pixel (5, 5)
}

TEST(Image, DownscaledImageSpeaksFullResolution) {
  test::TempDir dir;
  // The same gradient stored at half size: full-resolution (200, 100) is stored pixel (100, 50).
  cv::Mat half;
  cv::resize(gradient(), half, cv::Size(200, 100), 0, 0, cv::INTER_AREA);
  const auto image = open_image(save(dir, "half.png", half), 0.5);
  EXPECT_EQ(image->width(), 400);
  EXPECT_EQ(image->height(), 200);
  const cv::Mat patch = image->read_region(cv::Rect2d(196, 96, 8, 8), cv::Size(4, 4));
  const cv::Vec3b centre = patch.at<cv::Vec3b>(2, 2);
  EXPECT_NEAR(centre[0], 100, 2);
  EXPECT_NEAR(centre[1], 100, 2);
}

TEST(Image, DecompressionBombIsRefusedFromItsHeader) {
  test::TempDir dir;
  // A PNG signature and IHDR declaring 100,000 x 100,000 px, then nothing: never decoded.
  std::string png = "\x89PNG\r\n\x1a\n";
  png += std::string("\0\0\0\x0dIHDR", 8);
  png += std::string("\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x02\0\0\0", 13);
  test::write_text(dir / "bomb.png", png);
  EXPECT_EQ(probe_image_size(dir / "bomb.png"), cv::Size(100000, 100000));
  EXPECT_STX_ERROR(open_image(dir / "bomb.png"), FormatError,
                   "declares 100000 x 100000 = 10000 Mpx, above the limit of 1074 Mpx");
  // The limit is configurable: a 400 x 200 image passes at 80,000 px and fails below it.
  const std::string ok = save(dir, "g.png", gradient());
  EXPECT_EQ(open_image(ok, 1.0, 80000)->width(), 400);
  EXPECT_STX_ERROR(open_image(ok, 1.0, 79999), FormatError, "above the limit");
}

TEST(Image, MissingAndCorruptFiles) {
  test::TempDir dir;
  EXPECT_STX_ERROR(open_image(dir / "none.jpg"), IoError, "image file not found");
  test::write_text(dir / "fake.jpg", "this is not a jpeg");
  EXPECT_STX_ERROR(open_image(dir / "fake.jpg"), FormatError, "not a readable image");
  // A JPEG cut in half would decode to a partly grey image with only a warning.
  const std::string whole = test::read_text(save(dir, "g.jpg", gradient()));
  test::write_text(dir / "cut.jpg", whole.substr(0, whole.size() / 2));
  EXPECT_STX_ERROR(open_image(dir / "cut.jpg"), FormatError, "truncated JPEG");
  // A PNG whose pixel data is cut: the header gives the size, decoding fails.
  const std::string png = test::read_text(save(dir, "g.png", gradient()));
  test::write_text(dir / "cut.png", png.substr(0, png.size() / 2));
  const auto cut = open_image(dir / "cut.png");
  EXPECT_EQ(cut->width(), 400);
  EXPECT_STX_ERROR(cut->read_region(cv::Rect2d(0, 0, 10, 10), cv::Size(10, 10)), FormatError,
                   "not a readable image");
}

}  // namespace
}  // namespace stx

namespace stx {
namespace {

// The same pixels as a tiled two-level TIFF pyramid (OpenSlide) and a PNG (OpenCV); see
// tests/fixtures/make_fixtures.py.
TEST(Image, OpenSlidePyramidMatchesRasterPixels) {
  const auto pyramid = open_image(test::fixture("pyramid.tif"));
  const auto raster = open_image(test::fixture("pyramid_level0.png"));
  EXPECT_EQ(pyramid->backend(), "openslide");
  EXPECT_EQ(raster->backend(), "raster");
  EXPECT_EQ(pyramid->width(), 512);
  EXPECT_EQ(pyramid->height(), 384);
  // At full resolution both read level 0: identical pixels, including the white padding.
  const cv::Rect2d region(-8, 100, 96, 64);
  const cv::Mat a = pyramid->read_region(region, cv::Size(96, 64));
  const cv::Mat b = raster->read_region(region, cv::Size(96, 64));
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
  EXPECT_EQ(a.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
  // Shrinking by 2 reads OpenSlide's level 1 (a 2x2 box average made by PIL) against OpenCV's
  // INTER_AREA of level 0: the same average up to rounding.
  const cv::Rect2d wide(64, 64, 256, 192);
  const cv::Mat c = pyramid->read_region(wide, cv::Size(128, 96));
  const cv::Mat d = raster->read_region(wide, cv::Size(128, 96));
  EXPECT_LE(cv::norm(c, d, cv::NORM_INF), 1.0);
}

// A block read once serves the patches inside it with exactly the slide's own pixels: at level
// 0 (crops, also resized and past the edge), and through the slide for a read that needs
// another level or leaves the block. Raster images are decoded whole and offer no cache.
TEST(Image, OpenSlideRegionCacheGivesTheSlidesOwnPixels) {
  const auto pyramid = open_image(test::fixture("pyramid.tif"));
  const auto block = pyramid->region_cache(cv::Rect2d(-20, 40, 300, 200));
  ASSERT_NE(block, nullptr);
  for (const auto& [region, size] : std::vector<std::pair<cv::Rect2d, cv::Size>>{
           {cv::Rect2d(-8, 100, 96, 64), cv::Size(96, 64)},      // past the left edge: white
           {cv::Rect2d(10.6, 50.2, 112.4, 112.4), cv::Size(56, 56)},  // fractional, shrunk at level 0
           {cv::Rect2d(30, 60, 40, 40), cv::Size(80, 80)},       // enlarged
           {cv::Rect2d(64, 64, 256, 192), cv::Size(128, 96)},    // level 1: read from the slide
           {cv::Rect2d(250, 200, 100, 100), cv::Size(100, 100)}}) {  // leaves the block
    const cv::Mat cached = block->read_region(region, size), direct = pyramid->read_region(region, size);
    ASSERT_EQ(cached.size(), direct.size());
    EXPECT_EQ(cv::norm(cached, direct, cv::NORM_INF), 0.0) << region;
  }
  EXPECT_EQ(pyramid->region_cache(cv::Rect2d(0, 0, 1e5, 1e5)), nullptr);  // over 64 Mpx: no cache
  EXPECT_EQ(open_image(test::fixture("pyramid_level0.png"))->region_cache(cv::Rect2d(0, 0, 10, 10)), nullptr);
}

}  // namespace
}  // namespace stx

namespace stx {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(JpegDecode, MatchesOpenCvOnARealHAndE) {
  const std::string path = std::string(test::kDemoDir) + "/her2st/images/B4.jpg";
  const cv::Mat ours = decode_jpeg_rgb(path, kDefaultMaxImagePixels);
  cv::Mat theirs;
  cv::cvtColor(cv::imread(path, cv::IMREAD_COLOR), theirs, cv::COLOR_BGR2RGB);
  ASSERT_EQ(ours.size(), theirs.size());
  EXPECT_EQ(cv::norm(ours, theirs, cv::NORM_INF), 0.0);
}

// A CMYK JPEG (Adobe's inverted channels, as Photoshop and Pillow write them) was read
// through OpenCV before stx decoded JPEGs itself, then refused ("Unsupported color conversion
// request"). It decodes again, to OpenCV's colours within rounding.
TEST(JpegDecode, CmykJpegGivesOpenCvsColours) {
  const std::string path = test::fixture("he_cmyk.jpg");
  const cv::Mat ours = decode_jpeg_rgb(path, kDefaultMaxImagePixels);
  cv::Mat theirs;
  cv::cvtColor(cv::imread(path, cv::IMREAD_COLOR), theirs, cv::COLOR_BGR2RGB);
  ASSERT_EQ(ours.size(), cv::Size(96, 64));
  ASSERT_EQ(ours.type(), CV_8UC3);
  EXPECT_LE(cv::norm(ours, theirs, cv::NORM_INF), 1.0);
  cv::Scalar mean = cv::mean(ours);
  EXPECT_LT(mean[1], mean[0]);  // H&E: less green than red, as a stain should be
  EXPECT_EQ(open_image(path)->read_region(cv::Rect2d(0, 0, 96, 64), cv::Size(96, 64)).size(), cv::Size(96, 64));
}

// Found by fuzz_image: stx's header probe finds no frame in this 979-byte JPEG, but libjpeg
// does, and it declares 939 Mpx (a 2.8 GB allocation). The limit is checked again on the
// frame libjpeg reads, before anything is allocated.
TEST(JpegDecode, AFrameLargerThanTheLimitIsRefusedBeforeDecoding) {
  const std::string path = test::fixture("hostile/jpeg_hidden_939mpx_frame.jpg");
  EXPECT_EQ(probe_image_size(path), cv::Size(0, 0));
  EXPECT_STX_ERROR(open_image(path, 1.0, int64_t{1} << 22)->read_region(cv::Rect2d(0, 0, 8, 8), cv::Size(8, 8)),
                   FormatError, "above the limit of 4 Mpx for images decoded whole");
}

TEST(JpegDecode, CorruptScanIsAnErrorWhereOpenCvPassesIt) {
  // The scan cut at 60 % with the end-of-image marker put back: libjpeg warns of corrupt
  // data and fills the rest grey; OpenCV returns that image as if whole.
  test::TempDir dir;
  const std::string bytes = file_bytes(std::string(test::kDemoDir) + "/her2st/images/B4.jpg");
  const std::string cut = dir / "cut.jpg";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() * 6 / 10) << "\xFF\xD9";
  EXPECT_FALSE(cv::imread(cut, cv::IMREAD_COLOR).empty());
  try {
    decode_jpeg_rgb(cut, kDefaultMaxImagePixels);
    ADD_FAILURE() << "a corrupt JPEG decoded";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("cut.jpg: not a readable JPEG ("), std::string::npos) << e.what();
  }
  const auto image = open_image(cut);
  EXPECT_THROW(image->read_region(cv::Rect2d(0, 0, 64, 64), cv::Size(64, 64)), FormatError);
}

// The block read decodes level 0 of a tiled TIFF with libtiff instead of OpenSlide: JPEG tiles in
// YCbCr, partial at the right and bottom edges, give OpenSlide's own pixels, inside, across the
// edges and past them (white).
TEST(Image, TiledTiffBlockReadGivesOpenSlidesPixels) {
  const auto slide = open_image(test::fixture("pyramid_jpeg.tif"));
  ASSERT_EQ(slide->backend(), "openslide");
  ASSERT_EQ(slide->width(), 500);
  const auto block = slide->region_cache(cv::Rect2d(-30, -20, 560, 430));
  ASSERT_NE(block, nullptr);
  for (const cv::Rect2d& region : {cv::Rect2d(-30, -20, 560, 430), cv::Rect2d(100, 100, 200, 150),
                                   cv::Rect2d(400, 300, 120, 100), cv::Rect2d(127, 0, 2, 380)}) {
    const cv::Size size(static_cast<int>(region.width), static_cast<int>(region.height));
    const cv::Mat cached = block->read_region(region, size), direct = slide->read_region(region, size);
    ASSERT_EQ(cached.size(), direct.size());
    EXPECT_EQ(cv::norm(cached, direct, cv::NORM_INF), 0.0) << region;
  }
  // past the edge is white, and the pattern is there inside (JPEG keeps it to a few levels)
  const cv::Mat all = block->read_region(cv::Rect2d(-30, -20, 560, 430), cv::Size(560, 430));
  EXPECT_EQ(all.at<cv::Vec3b>(5, 5), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(all.at<cv::Vec3b>(425, 555), cv::Vec3b(255, 255, 255));
  EXPECT_NEAR(all.at<cv::Vec3b>(20 + 200, 30 + 300)[0], 150, 6);  // red = (x / 2) % 256
  // ... and they come from libtiff: the tile reader itself serves that fixture and the
  // deflate one, and declines what it cannot read.
  const auto tiles = TiffTiles::open(test::fixture("pyramid_jpeg.tif"), 500, 380);
  ASSERT_NE(tiles, nullptr);
  EXPECT_EQ(cv::norm(tiles->read(-30, -20, 560, 430), all, cv::NORM_INF), 0.0);
  EXPECT_NE(TiffTiles::open(test::fixture("pyramid.tif"), 512, 384), nullptr);
  EXPECT_EQ(TiffTiles::open(test::fixture("pyramid.tif"), 256, 192), nullptr);  // not level 0's size
  EXPECT_EQ(TiffTiles::open(test::fixture("pyramid_level0.png"), 512, 384), nullptr);
}

}  // namespace
}  // namespace stx

namespace stx {
namespace {

// stx decodes PNGs with libpng itself (OpenCV let libpng print "libpng error: ..." on stderr):
// every kind of PNG gives cv::imread's pixels exactly. The kinds are written here by OpenCV and
// by hand-made variants of the committed fixture.
TEST(PngDecode, EveryKindGivesOpenCvsPixels) {
  test::TempDir dir;
  const cv::Mat rgb_fixture = decode_png_rgb(test::fixture("pyramid_level0.png"), kDefaultMaxImagePixels);
  cv::Mat bgr, grey, bgra, bgr16, grey16;
  cv::cvtColor(rgb_fixture, bgr, cv::COLOR_RGB2BGR);
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
  bgra.forEach<cv::Vec4b>([](cv::Vec4b& p, const int* at) { p[3] = static_cast<unsigned char>(at[1] % 256); });
  bgr.convertTo(bgr16, CV_16U, 257.0, 3.0);  // low bytes that must be dropped
  grey.convertTo(grey16, CV_16U, 251.0);
  const std::vector<std::pair<std::string, cv::Mat>> kinds = {
      {"rgb8", bgr}, {"grey8", grey}, {"rgba8", bgra}, {"rgb16", bgr16}, {"grey16", grey16}};
  for (const auto& [name, image] : kinds) {
    const std::string path = dir / (name + ".png");
    ASSERT_TRUE(cv::imwrite(path, image));
    const cv::Mat ours = decode_png_rgb(path, kDefaultMaxImagePixels);
    cv::Mat theirs;
    cv::cvtColor(cv::imread(path, cv::IMREAD_COLOR), theirs, cv::COLOR_BGR2RGB);
    ASSERT_EQ(ours.size(), theirs.size()) << name;
    ASSERT_EQ(ours.type(), CV_8UC3) << name;
    EXPECT_EQ(cv::norm(ours, theirs, cv::NORM_INF), 0.0) << name;
  }
}

// Found by fuzz_image in the new decoder: an IHDR declaring 2^32 - 1 px a side overflowed the
// pixel count (signed multiplication) before the limit was checked.
TEST(PngDecode, SidesBeyondPngsLimitAreRefusedBeforeTheyAreMultiplied) {
  EXPECT_STX_ERROR(decode_png_rgb(test::fixture("hostile/png_ihdr_4g_sides.png"), kDefaultMaxImagePixels), FormatError,
                   "its header declares 4294967295 x 4294967295 px; PNG allows at most 2^31 - 1 a side");
}

// A PNG whose compressed rows were damaged (its IEND chunk intact): OpenCV printed libpng's
// raw line and returned nothing, once for every spot that asked for pixels. Now the error is
// one FormatError with libpng's message, decoded once.
TEST(PngDecode, DamagedRowsAreOneErrorWithLibpngsMessage) {
  test::TempDir dir;
  const cv::Mat pattern = decode_png_rgb(test::fixture("pyramid_level0.png"), kDefaultMaxImagePixels);
  const std::string good = dir / "good.png", bad = dir / "bad.png";
  ASSERT_TRUE(cv::imwrite(good, pattern));
  std::string bytes = file_bytes(good);
  for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 200; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  test::write_text(bad, bytes);
  EXPECT_STX_ERROR(decode_png_rgb(bad, kDefaultMaxImagePixels), FormatError, "bad.png: not a readable PNG (");
  const auto image = open_image(bad);
  for (int spot = 0; spot < 3; ++spot)
    EXPECT_STX_ERROR(image->read_region(cv::Rect2d(0, 0, 64, 64), cv::Size(64, 64)), FormatError,
                     "bad.png: not a readable PNG (");
  EXPECT_STX_ERROR(decode_png_rgb(good, 1000), FormatError, "above the limit of 0 Mpx");
}

}  // namespace
}  // namespace stx

namespace stx {
namespace {

// A real pyramid whose tags lie (#32): each was a crash or a silent wrong answer behind
// OpenSlide, and is now one FormatError naming the file, the directory or level and the tag.
class LyingPyramid : public ::testing::Test {
 protected:
  std::string with(int directory, uint16_t tag, uint32_t value, uint16_t tag2 = 0, uint32_t value2 = 0) {
    std::string bytes = file_bytes(test::fixture("pyramid_jpeg.tif"));
    EXPECT_TRUE(test::set_tag(bytes, directory, tag, value)) << tag;
    if (tag2 != 0) {
      EXPECT_TRUE(test::set_tag(bytes, directory, tag2, value2)) << tag2;
    }
    const std::string path = dir_ / ("lying" + std::to_string(++count_) + ".tif");
    test::write_text(path, bytes);
    return path;
  }
  test::TempDir dir_;
  int count_ = 0;
};

TEST_F(LyingPyramid, TheFixtureAsWrittenReads) {
  const std::string path = with(0, 322, 128);  // TileWidth as it is
  EXPECT_EQ(open_image(path)->read_region(cv::Rect2d(0, 0, 64, 64), cv::Size(64, 64)).size(), cv::Size(64, 64));
}

TEST_F(LyingPyramid, HugeTilesAreRefusedBeforeOpenSlideAllocatesThem) {
  EXPECT_STX_ERROR(open_image(with(0, 322, 65520, 323, 65520)), FormatError,
                   "directory 0: TileWidth x TileLength 65520 x 65520; expected multiples of 16 up to 8192 px");
}

TEST_F(LyingPyramid, ATileWidthThatIsNotAMultipleOf16IsRefused) {
  EXPECT_STX_ERROR(open_image(with(0, 322, 250)), FormatError, "directory 0: TileWidth x TileLength 250 x 128");
}

// OpenSlide orders levels by their declared size, so a level 1 that claims more than level 0
// would become level 0, its tiles read from offsets libtiff had dropped.
TEST_F(LyingPyramid, ATileOutsideTheFileIsRefused) {  // level 1 is one tile: its offset is in place
  EXPECT_STX_ERROR(open_image(with(1, 324, 1000000000)), FormatError,
                   "directory 1: tile 0 of 1 lies outside the file");
}

TEST_F(LyingPyramid, ALevelLargerThanItsTilesIsRefused) {
  EXPECT_STX_ERROR(open_image(with(1, 256, 24464, 257, 24464)), FormatError,
                   "lying1.tif: directory 1: Incorrect count for \"TileOffsets\"; tag ignored");
}

}  // namespace
}  // namespace stx
